-- Customer summary: one row per person who had bought by the end of :as_of, with what the scoring models read
-- (shared/scoring/job.ts) and the behavioural features of the other channels (docs/scoring.md, "The job"),
-- and one row per other profile the identity map knows (a prospect: no purchase by :as_of), whose purchase
-- columns are NULL, so that every profile gets scores.
--
-- Purchases: the first and last purchase day, the occasions (x = occasions - 1 repeat occasions), t_x and T in
-- days, the cents of all occasions and of the first one (repeat cents = total - first).
--
-- Behaviour, from the events of the 90 days to :as_of (:window_from .. :as_of, the dt partitions only), by the
-- definitions of fragments/behaviour.sql (shared with the churn model's training snapshots): sessions started
-- in the last 30 and 90 days, email opens and clicks and app events in the last 30 days, support tickets and
-- the mean satisfaction score over 90 days, and the events of the last 30 days (:recent_from ..) and of the 30
-- before (:previous_from .. :previous_to), whose difference is the activity trend.
WITH
-- @include occasions.sql
purchases AS (
  SELECT
    profile_id,
    min(day) AS first_day,
    max(day) AS last_day,
    count(*) AS occasions,
    sum(cents) AS total_cents,
    min_by(cents, day) AS first_cents
  FROM occasions
  GROUP BY profile_id
),
-- The run date as the one anchor of the behaviour fragment, and the 90 days of events it reads.
anchors AS (
  SELECT
    :as_of AS as_of,
    :window_from AS window_from,
    :recent_from AS recent_from,
    :previous_from AS previous_from,
    :previous_to AS previous_to
),
window_events AS (
  SELECT *
  FROM events_stitched
  WHERE dt BETWEEN :window_from AND :as_of
),
-- @include behaviour.sql
-- Every profile resolution has published (the map's ids are profiles, never raw user ids), and the buyers.
people AS (
  SELECT profile_id FROM purchases
  UNION
  SELECT profile_id FROM identity_map WHERE profile_id IS NOT NULL
)
SELECT
  people.profile_id,
  p.first_day,
  p.last_day,
  p.occasions - 1 AS x,
  p.last_day - p.first_day AS t_x_days,
  date_diff('day', DATE '1970-01-01', CAST(:as_of AS date)) - p.first_day AS t_days,
  p.total_cents,
  p.total_cents - p.first_cents AS repeat_cents,
  coalesce(b.sessions_30d, 0) AS sessions_30d,
  coalesce(b.sessions_90d, 0) AS sessions_90d,
  coalesce(b.email_opens_30d, 0) AS email_opens_30d,
  coalesce(b.email_clicks_30d, 0) AS email_clicks_30d,
  coalesce(b.app_events_30d, 0) AS app_events_30d,
  coalesce(b.support_tickets_90d, 0) AS support_tickets_90d,
  b.satisfaction_90d,
  coalesce(b.events_30d, 0) AS events_30d,
  coalesce(b.events_previous_30d, 0) AS events_previous_30d
FROM people
LEFT JOIN purchases AS p ON p.profile_id = people.profile_id
LEFT JOIN behaviour AS b ON b.profile_id = people.profile_id
ORDER BY people.profile_id
