-- Training behaviour: the behavioural features of the churn model's training sample (the people of
-- training-occasions.sql, fragments/training-sample.sql) as of the end of each training snapshot date, by the
-- definitions the run date's features use (fragments/behaviour.sql), so that the model trains on what it
-- scores. One row per (profile_id, snapshot) with any event in that snapshot's 90 days; a sampled person
-- without a row had none (zero counts, no satisfaction score). `other_events_90d` counts the events other
-- than orders, so the job can tell whether there is any behaviour beyond the purchases. Nothing after a snapshot's date enters its
-- features: its windows end with it.
--
-- The snapshots are four slots (churn.ts trains on at most four), each a date and its windows' first and last
-- days (shared/scoring/job-sql.ts fills them; fewer snapshots repeat the last one, which DISTINCT removes).
-- Only the dt partitions from the earliest window's first day (:events_from) to the latest snapshot
-- (:events_to) are read, and only the sampled people's events enter the sessions' window function.
WITH
-- @include occasions.sql
-- @include training-sample.sql
anchors AS (
  SELECT DISTINCT as_of, window_from, recent_from, previous_from, previous_to
  FROM (
    VALUES
    (:snapshot_1, :window_from_1, :recent_from_1, :previous_from_1, :previous_to_1),
    (:snapshot_2, :window_from_2, :recent_from_2, :previous_from_2, :previous_to_2),
    (:snapshot_3, :window_from_3, :recent_from_3, :previous_from_3, :previous_to_3),
    (:snapshot_4, :window_from_4, :recent_from_4, :previous_from_4, :previous_to_4)
  ) AS slots (as_of, window_from, recent_from, previous_from, previous_to)
),
window_events AS (
  SELECT e.*
  FROM events_stitched AS e
  JOIN sampled AS s ON s.profile_id = e.profile_id
  WHERE e.dt BETWEEN :events_from AND :events_to
),
-- @include behaviour.sql
snapshot_behaviour AS (
  SELECT
    profile_id,
    as_of AS snapshot,
    sessions_30d,
    sessions_90d,
    email_opens_30d,
    email_clicks_30d,
    app_events_30d,
    support_tickets_90d,
    satisfaction_90d,
    events_30d,
    events_previous_30d,
    other_events_90d
  FROM behaviour
)
SELECT *
FROM snapshot_behaviour
ORDER BY profile_id, snapshot
