-- Funnel: of the profiles that did :steps_1 between :from and :to (their first time in that range is their
-- entry), how many went on to do each further step in order within :window_days days of the entry. A step
-- counts at its first occurrence after the previous step; with :ordering 'strict' it must be the very next
-- event (track, page or screen) after the previous step, with 'non_strict' other events may come between.
-- Events of the same millisecond are not told apart. Per :breakdown segment (the entry event's marketing
-- channel, UTM source, …; 'all' without a breakdown) and step: the profiles that reached it, the conversion
-- from the first and from the previous step, the profiles lost since the previous step, and the median time
-- from the previous step. One pass over the events: no sort, a group per profile.
WITH
-- @include activity.sql
candidates AS (
  SELECT
    profile_id,
    ts,
    dt,
    step,
    CASE
      WHEN :breakdown = 'none' THEN 'all'
      ELSE coalesce(
        CASE :breakdown
          WHEN 'marketing_channel' THEN marketing_channel
          WHEN 'utm_source' THEN utm_source
          WHEN 'utm_campaign' THEN utm_campaign
          WHEN 'channel' THEN channel
          WHEN 'source' THEN source
          WHEN 'device_type' THEN device_type
        END,
        '(not set)'
      )
    END AS segment
  FROM activity
  WHERE :ordering = 'strict' OR step IN (:steps_1, :steps_2, :steps_3, :steps_4, :steps_5, :steps_6, :steps_7, :steps_8, :steps_9, :steps_10)
),
-- Per profile: the entry (t1) and its segment, the times of each later step's events, and with strict
-- ordering the times of all its events.
timelines AS (
  SELECT
    profile_id,
    min_by(segment, ts) FILTER (WHERE step = :steps_1 AND dt <= :to) AS segment,
    min(ts) FILTER (WHERE step = :steps_1 AND dt <= :to) AS t1,
    array_agg(ts) FILTER (WHERE step = :steps_2) AS times_2,
    array_agg(ts) FILTER (WHERE step = :steps_3) AS times_3,
    array_agg(ts) FILTER (WHERE step = :steps_4) AS times_4,
    array_agg(ts) FILTER (WHERE step = :steps_5) AS times_5,
    array_agg(ts) FILTER (WHERE step = :steps_6) AS times_6,
    array_agg(ts) FILTER (WHERE step = :steps_7) AS times_7,
    array_agg(ts) FILTER (WHERE step = :steps_8) AS times_8,
    array_agg(ts) FILTER (WHERE step = :steps_9) AS times_9,
    array_agg(ts) FILTER (WHERE step = :steps_10) AS times_10,
    array_agg(ts) FILTER (WHERE :ordering = 'strict') AS times_all
  FROM candidates
  GROUP BY profile_id
),
-- step_k: t_k, when the profile reached step k: the first step-k event after t_(k-1), within the window of
-- the entry, and with strict ordering the first event of any kind after t_(k-1); NULL when it did not.
step_2 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_2, x -> x > t1))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_2, x -> x > t1)) = array_min(filter(times_all, x -> x > t1)))
        THEN array_min(filter(times_2, x -> x > t1))
    END AS t2
  FROM timelines
  WHERE t1 IS NOT NULL
),
step_3 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_3, x -> x > t2))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_3, x -> x > t2)) = array_min(filter(times_all, x -> x > t2)))
        THEN array_min(filter(times_3, x -> x > t2))
    END AS t3
  FROM step_2
),
step_4 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_4, x -> x > t3))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_4, x -> x > t3)) = array_min(filter(times_all, x -> x > t3)))
        THEN array_min(filter(times_4, x -> x > t3))
    END AS t4
  FROM step_3
),
step_5 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_5, x -> x > t4))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_5, x -> x > t4)) = array_min(filter(times_all, x -> x > t4)))
        THEN array_min(filter(times_5, x -> x > t4))
    END AS t5
  FROM step_4
),
step_6 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_6, x -> x > t5))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_6, x -> x > t5)) = array_min(filter(times_all, x -> x > t5)))
        THEN array_min(filter(times_6, x -> x > t5))
    END AS t6
  FROM step_5
),
step_7 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_7, x -> x > t6))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_7, x -> x > t6)) = array_min(filter(times_all, x -> x > t6)))
        THEN array_min(filter(times_7, x -> x > t6))
    END AS t7
  FROM step_6
),
step_8 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_8, x -> x > t7))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_8, x -> x > t7)) = array_min(filter(times_all, x -> x > t7)))
        THEN array_min(filter(times_8, x -> x > t7))
    END AS t8
  FROM step_7
),
step_9 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_9, x -> x > t8))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_9, x -> x > t8)) = array_min(filter(times_all, x -> x > t8)))
        THEN array_min(filter(times_9, x -> x > t8))
    END AS t9
  FROM step_8
),
step_10 AS (
  SELECT
    *,
    CASE
      WHEN date_diff('millisecond', t1, array_min(filter(times_10, x -> x > t9))) <= CAST(:window_days AS bigint) * 86400000
        AND (:ordering = 'non_strict' OR array_min(filter(times_10, x -> x > t9)) = array_min(filter(times_all, x -> x > t9)))
        THEN array_min(filter(times_10, x -> x > t9))
    END AS t10
  FROM step_9
),
per_step AS (
  SELECT
    segment,
    s.step_number,
    CASE s.step_number WHEN 1 THEN t1 WHEN 2 THEN t2 WHEN 3 THEN t3 WHEN 4 THEN t4 WHEN 5 THEN t5 WHEN 6 THEN t6 WHEN 7 THEN t7 WHEN 8 THEN t8 WHEN 9 THEN t9 WHEN 10 THEN t10 END AS reached_at,
    CASE s.step_number WHEN 2 THEN t1 WHEN 3 THEN t2 WHEN 4 THEN t3 WHEN 5 THEN t4 WHEN 6 THEN t5 WHEN 7 THEN t6 WHEN 8 THEN t7 WHEN 9 THEN t8 WHEN 10 THEN t9 END AS previous_at
  FROM step_10
  CROSS JOIN UNNEST(sequence(1, :steps_count)) AS s (step_number)
),
counts AS (
  SELECT
    segment,
    step_number,
    count(reached_at) AS profiles,
    approx_percentile(CAST(date_diff('millisecond', previous_at, reached_at) AS double) / 1000, 0.5)
      AS median_seconds_from_previous
  FROM per_step
  GROUP BY segment, step_number
)
SELECT
  segment,
  step_number AS step,
  CASE step_number WHEN 1 THEN CAST(:steps_1 AS varchar) WHEN 2 THEN CAST(:steps_2 AS varchar) WHEN 3 THEN CAST(:steps_3 AS varchar) WHEN 4 THEN CAST(:steps_4 AS varchar) WHEN 5 THEN CAST(:steps_5 AS varchar) WHEN 6 THEN CAST(:steps_6 AS varchar) WHEN 7 THEN CAST(:steps_7 AS varchar) WHEN 8 THEN CAST(:steps_8 AS varchar) WHEN 9 THEN CAST(:steps_9 AS varchar) WHEN 10 THEN CAST(:steps_10 AS varchar) END AS step_name,
  profiles,
  CAST(profiles AS double) / first_value(profiles) OVER (PARTITION BY segment ORDER BY step_number)
    AS conversion_from_start,
  CAST(profiles AS double) / nullif(lag(profiles) OVER (PARTITION BY segment ORDER BY step_number), 0)
    AS conversion_from_previous,
  lag(profiles) OVER (PARTITION BY segment ORDER BY step_number) - profiles AS dropped_from_previous,
  median_seconds_from_previous
FROM counts
ORDER BY segment, step
