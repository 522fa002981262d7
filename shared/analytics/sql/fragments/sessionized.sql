-- flagged .. sessionized: the activity split into sessions, numbered per profile from 1. A session ends
-- after more than :timeout_minutes without an event, and a new one starts when an event brings a campaign
-- other than the last one the profile came with (as Google Analytics does). Events of the same millisecond
-- are taken in the order of their step names. Two sorts of the activity: one for the gaps, one to number.
flagged AS (
  SELECT
    *,
    lag(ts) OVER (PARTITION BY profile_id ORDER BY ts, step) AS previous_ts,
    -- The campaign of the latest earlier event that had one: the running maximum of the campaigns prefixed
    -- with their time (15 digits of milliseconds since 1970), the prefix cut off below.
    max(
      CASE
        WHEN campaign IS NOT NULL THEN concat(
          lpad(CAST(date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00', ts) AS varchar), 15, '0'),
          campaign
        )
      END
    ) OVER (
      PARTITION BY profile_id ORDER BY ts, step ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS previous_campaign
  FROM activity
),
session_starts AS (
  SELECT
    *,
    CASE
      WHEN previous_ts IS NULL THEN 1
      WHEN date_diff('millisecond', previous_ts, ts) > :timeout_minutes * 60000 THEN 1
      WHEN campaign IS NOT NULL AND campaign <> coalesce(substr(previous_campaign, 16), '') THEN 1
      ELSE 0
    END AS starts_session
  FROM flagged
),
sessionized AS (
  SELECT
    *,
    sum(starts_session) OVER (
      PARTITION BY profile_id ORDER BY ts, step ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS session_number,
    -- The step of the event before in the same session (NULL at the session's start).
    CASE WHEN starts_session = 0 THEN lag(step) OVER (PARTITION BY profile_id ORDER BY ts, step) END
      AS previous_step
  FROM session_starts
),
