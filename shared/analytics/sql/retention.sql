-- Retention: profiles grouped into cohorts by the week or month (:grain) of their first :cohort_event between
-- :from and :to (any activity when none is given: first seen; 'Order Completed': first order), and for each
-- period after it (0 = the cohort's own period) how many of them did :return_event (any activity when none
-- is given) at or after their cohort event. A cohort period without any returning profile has no row. Only
-- the days from :from to :to are read: a profile active before :from counts as new at its first activity
-- in the range, and the latest cohorts have had fewer periods to return in.
WITH
-- @include activity.sql
marked AS (
  SELECT
    profile_id,
    ts,
    (:cohort_event IS NULL OR step = :cohort_event) AS is_cohort_event,
    (:return_event IS NULL OR step = :return_event) AS is_return_event
  FROM activity
),
firsts AS (
  SELECT
    profile_id,
    ts,
    is_return_event,
    min(CASE WHEN is_cohort_event THEN ts END) OVER (PARTITION BY profile_id) AS first_at
  FROM marked
),
members AS (
  SELECT
    profile_id,
    CAST(date_trunc(:grain, first_at) AS date) AS cohort,
    CASE
      WHEN is_return_event AND ts >= first_at
        THEN date_diff(:grain, date_trunc(:grain, first_at), date_trunc(:grain, ts))
    END AS period
  FROM firsts
  WHERE first_at IS NOT NULL
),
-- The (cohort) grouping counts the cohort's profiles; (cohort, period) those active in each period.
counted AS (
  SELECT cohort, period, grouping(period) AS is_cohort_row, count(DISTINCT profile_id) AS profiles
  FROM members
  GROUP BY GROUPING SETS ((cohort), (cohort, period))
),
sized AS (
  SELECT
    *,
    max(CASE WHEN is_cohort_row = 1 THEN profiles END) OVER (PARTITION BY cohort) AS cohort_size
  FROM counted
)
SELECT
  cohort,
  cohort_size,
  period,
  profiles,
  CAST(profiles AS double) / cohort_size AS retention
FROM sized
WHERE is_cohort_row = 0 AND period IS NOT NULL AND period < :periods
ORDER BY cohort, period
