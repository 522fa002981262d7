-- activity .. behaviour: the behavioural features of each person as of the end of each anchor date, one row
-- per (as_of, profile_id) with any event in that anchor's 90 days. The including file defines
-- `anchors` (as_of and its windows' first and last days, `dt` strings: window_from = as_of − 89 days,
-- recent_from = as_of − 29, previous_from = as_of − 59, previous_to = as_of − 30) and `window_events` (the
-- events_stitched rows it reads, already limited to the dt partitions the anchors need). Windows include their
-- first and last day; an event is in a window by its dt (UTC day), so an event on the anchor date counts and
-- one the day after does not. One definition for the run date (customer-summary.sql) and for the churn
-- model's training snapshots (training-behaviour.sql), so the model trains on what it scores.
--
-- Sessions end after more than 30 minutes without an event, counted per anchor (an anchor's first event starts
-- a session); email opens and clicks are `Email Opened` and `Email Link Clicked`, app events those of channel
-- app, support tickets `Ticket Created`, satisfaction the mean numeric `properties.satisfaction_score`.
activity AS (
  SELECT
    a.as_of,
    a.recent_from,
    a.previous_from,
    a.previous_to,
    e.profile_id,
    e."timestamp" AS ts,
    e.dt,
    e.type,
    e.event,
    e.channel,
    try_cast(json_extract_scalar(e.properties, '$.satisfaction_score') AS double) AS satisfaction
  FROM window_events AS e
  JOIN anchors AS a ON e.dt BETWEEN a.window_from AND a.as_of
  WHERE e.profile_id IS NOT NULL
),
gaps AS (
  SELECT
    *,
    lag(ts) OVER (PARTITION BY as_of, profile_id ORDER BY ts) AS previous_ts
  FROM activity
),
behaviour AS (
  SELECT
    as_of,
    profile_id,
    count_if(
      dt >= recent_from
      AND (previous_ts IS NULL OR date_diff('millisecond', previous_ts, ts) > 1800000)
    ) AS sessions_30d,
    count_if(previous_ts IS NULL OR date_diff('millisecond', previous_ts, ts) > 1800000) AS sessions_90d,
    count_if(dt >= recent_from AND type = 'track' AND event = 'Email Opened') AS email_opens_30d,
    count_if(dt >= recent_from AND type = 'track' AND event = 'Email Link Clicked') AS email_clicks_30d,
    count_if(dt >= recent_from AND channel = 'app') AS app_events_30d,
    count_if(type = 'track' AND event = 'Ticket Created') AS support_tickets_90d,
    avg(satisfaction) AS satisfaction_90d,
    count_if(dt >= recent_from) AS events_30d,
    count_if(dt BETWEEN previous_from AND previous_to) AS events_previous_30d,
    -- Whether there is behaviour beyond the purchases (which sessions and events also count).
    count_if(NOT (type = 'track' AND event = 'Order Completed')) AS other_events_90d
  FROM gaps
  GROUP BY as_of, profile_id
),
