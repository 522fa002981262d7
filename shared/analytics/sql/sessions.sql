-- Sessions: per day, week or month (:grain) of their start, how many sessions there were and of how many
-- profiles, how long they lasted (first to last event), how many pages and events they had, and how many
-- bounced (a session of a single event).
WITH
-- @include activity.sql
-- @include sessionized.sql
sessions AS (
  SELECT
    profile_id,
    session_number,
    CAST(date_trunc(:grain, min(ts)) AS date) AS period,
    CAST(date_diff('millisecond', min(ts), max(ts)) AS double) / 1000 AS duration_seconds,
    count(*) AS events,
    count_if(type IN ('page', 'screen')) AS pages
  FROM sessionized
  GROUP BY profile_id, session_number
)
SELECT
  period,
  count(*) AS sessions,
  count(DISTINCT profile_id) AS profiles,
  avg(duration_seconds) AS avg_duration_seconds,
  approx_percentile(duration_seconds, 0.5) AS median_duration_seconds,
  avg(CAST(pages AS double)) AS pages_per_session,
  avg(CAST(events AS double)) AS events_per_session,
  count_if(events = 1) AS bounces,
  CAST(count_if(events = 1) AS double) / count(*) AS bounce_rate
FROM sessions
GROUP BY period
ORDER BY period
