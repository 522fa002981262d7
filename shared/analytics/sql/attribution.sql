-- Attribution: which channels brought the :conversion_event conversions between :from and :to, by five
-- models. A touchpoint is the start of a session (split as in sessions.sql), labelled with the :by column of
-- its first event; a conversion's touchpoints are those of its profile at most :lookback_days before it (the
-- session it happened in included). Per conversion of n touchpoints, in time order, the k-th one gets:
-- first_touch 1 when k = 1; last_touch 1 when k = n; linear 1/n; position_based 0.4 for the first and the
-- last and 0.2 shared by those between (1 when n = 1, 0.5 each when n = 2); time_decay 2^(-age / half-life)
-- with age the time from the touchpoint to the conversion and half-life :half_life_days, normalised to sum to
-- 1. Rows per model and channel: the conversions credited, the revenue credited (properties.revenue, 0 when
-- missing), and the channel's share of the model's conversions. Days read: :from − :lookback_days to :to.
WITH
-- @include activity.sql
-- @include sessionized.sql
marked AS (
  SELECT
    profile_id,
    ts,
    CASE
      WHEN starts_session = 1 THEN coalesce(
        CASE :by
          WHEN 'marketing_channel' THEN marketing_channel
          WHEN 'utm_source' THEN utm_source
          WHEN 'utm_campaign' THEN utm_campaign
          WHEN 'source' THEN source
          WHEN 'channel' THEN channel
        END,
        '(not set)'
      )
    END AS touch,
    CASE
      WHEN step = :conversion_event AND dt BETWEEN :from AND :to
        THEN coalesce(TRY_CAST(json_extract_scalar(properties, '$.revenue') AS double), 0e0)
    END AS value
  -- session_starts, not sessionized: only where sessions start matters here, not their numbers, which would
  -- cost a second sort of the activity. Only touchpoints and conversions go on to be grouped.
  FROM session_starts
  WHERE starts_session = 1 OR (step = :conversion_event AND dt BETWEEN :from AND :to)
),
-- Per profile, in time order: its touchpoints (time and label) and its conversions (time and revenue).
journeys AS (
  SELECT
    profile_id,
    count(touch) AS touch_count,
    count(value) AS conversion_count,
    array_agg(ts ORDER BY ts, touch) FILTER (WHERE touch IS NOT NULL) AS touch_times,
    array_agg(touch ORDER BY ts, touch) FILTER (WHERE touch IS NOT NULL) AS touches,
    array_agg(ts ORDER BY ts, value) FILTER (WHERE value IS NOT NULL) AS conversion_times,
    array_agg(value ORDER BY ts, value) FILTER (WHERE value IS NOT NULL) AS conversion_values
  FROM marked
  GROUP BY profile_id
),
conversions AS (
  SELECT
    j.profile_id,
    c.conversion_number,
    j.conversion_times[c.conversion_number] AS converted_at,
    j.conversion_values[c.conversion_number] AS value,
    j.touch_count,
    j.touch_times,
    j.touches
  FROM (SELECT * FROM journeys WHERE conversion_count > 0) AS j
  CROSS JOIN UNNEST(sequence(1, j.conversion_count)) AS c (conversion_number)
),
-- The positions (in touch_times) of each conversion's touchpoints within the lookback; [0] when it has none.
credited AS (
  SELECT
    *,
    filter(
      sequence(1, greatest(touch_count, 1)),
      i -> i <= touch_count
        AND touch_times[i] <= converted_at
        AND date_diff('millisecond', touch_times[i], converted_at) <= CAST(:lookback_days AS bigint) * 86400000
    ) AS touch_positions
  FROM conversions
),
touched AS (
  SELECT
    cr.profile_id,
    cr.conversion_number,
    cr.converted_at,
    cr.value,
    t.k,
    CASE WHEN t.position = 0 THEN '(no touchpoint)' ELSE cr.touches[greatest(t.position, 1)] END AS channel,
    CASE WHEN t.position = 0 THEN cr.converted_at ELSE cr.touch_times[greatest(t.position, 1)] END AS touched_at
  FROM credited AS cr
  CROSS JOIN UNNEST(
    CASE WHEN array_min(cr.touch_positions) IS NULL THEN ARRAY[0] ELSE cr.touch_positions END
  ) WITH ORDINALITY AS t (position, k)
),
weighted AS (
  SELECT
    profile_id,
    conversion_number,
    channel,
    value,
    k,
    count(*) OVER (PARTITION BY profile_id, conversion_number) AS n,
    power(2e0, -CAST(date_diff('millisecond', touched_at, converted_at) AS double)
      / (CAST(:half_life_days AS double) * 86400000)) AS decay
  FROM touched
),
credits AS (
  SELECT
    channel,
    value,
    CASE WHEN k = 1 THEN 1e0 ELSE 0e0 END AS first_touch,
    CASE WHEN k = n THEN 1e0 ELSE 0e0 END AS last_touch,
    1e0 / n AS linear,
    CASE
      WHEN n = 1 THEN 1e0
      WHEN n = 2 THEN 0.5e0
      WHEN k = 1 OR k = n THEN 0.4e0
      ELSE 0.2e0 / (n - 2)
    END AS position_based,
    decay / sum(decay) OVER (PARTITION BY profile_id, conversion_number) AS time_decay
  FROM weighted
),
modelled AS (
  SELECT
    m.model,
    channel,
    sum(
      CASE m.model
        WHEN 'first_touch' THEN first_touch
        WHEN 'last_touch' THEN last_touch
        WHEN 'linear' THEN linear
        WHEN 'position_based' THEN position_based
        ELSE time_decay
      END
    ) AS conversions,
    sum(
      value * CASE m.model
        WHEN 'first_touch' THEN first_touch
        WHEN 'last_touch' THEN last_touch
        WHEN 'linear' THEN linear
        WHEN 'position_based' THEN position_based
        ELSE time_decay
      END
    ) AS revenue
  FROM credits
  CROSS JOIN UNNEST(ARRAY['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay']) AS m (model)
  GROUP BY m.model, channel
)
SELECT
  model,
  channel,
  conversions,
  revenue,
  conversions / sum(conversions) OVER (PARTITION BY model) AS share
FROM modelled
WHERE conversions > 0
ORDER BY model, conversions DESC, channel
