-- Training occasions: the purchase occasions (day number, cents) up to the end of :as_of of at most
-- :training_profiles people, for the out-of-time churn model (shared/scoring/churn.ts), which needs whole
-- histories. The people are a uniform sample when there are more (fragments/training-sample.sql), the same on
-- every run and the same as training-behaviour.sql's.
WITH
-- @include occasions.sql
-- @include training-sample.sql
sampled_occasions AS (
  SELECT o.profile_id, o.day, o.cents
  FROM occasions AS o
  JOIN sampled AS s ON s.profile_id = o.profile_id
)
SELECT profile_id, day, cents
FROM sampled_occasions
ORDER BY profile_id, day
