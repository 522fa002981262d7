-- Preferences: each person's affinity to the values of :dimension (a product's category or brand, or the
-- channel of the event) between :from and :to, and the top affinities per segment. An interaction is a
-- Product Viewed (its properties.:dimension, weight 1) or an Order Completed (each distinct :dimension value
-- of its properties.products[] once, weight :purchase_weight); for the channel, the event's channel column.
-- Each is weighted by recency, 2^(-age / :half_life_days) with age from the event to the end of :to (:as_of).
-- A person's score for a value is the sum of those weights, and their affinity is the score's share of
-- their scores over all values (so it sums to 1 per person). A segment's affinity to a value is the mean
-- affinity of its people (0 for those without it). Segments (:segment_by): none ('all'), the marketing
-- channel or UTM source of a person's first activity in the range, or the latest value in the range of the
-- trait :trait of their identify calls ('(not set)' when there is none). Rows (:per): the :top values per
-- segment, or per person.
WITH scanned AS (
  SELECT
    profile_id,
    message_id,
    "timestamp" AS ts,
    type,
    event,
    channel,
    properties,
    CASE WHEN event = 'Order Completed' THEN json_array_length(json_extract(properties, '$.products')) END
      AS line_count,
    CASE :segment_by
      WHEN 'none' THEN 'all'
      WHEN 'first_marketing_channel' THEN coalesce(
        min_by(coalesce(marketing_channel, '(not set)'), CASE WHEN type <> 'identify' THEN "timestamp" END)
          OVER (PARTITION BY profile_id),
        '(not set)'
      )
      WHEN 'first_utm_source' THEN coalesce(
        min_by(coalesce(utm_source, '(not set)'), CASE WHEN type <> 'identify' THEN "timestamp" END)
          OVER (PARTITION BY profile_id),
        '(not set)'
      )
      ELSE coalesce(
        max_by(
          json_extract_scalar(traits, concat('$.', coalesce(:trait, '_'))),
          CASE
            WHEN type = 'identify' AND json_extract_scalar(traits, concat('$.', coalesce(:trait, '_'))) IS NOT NULL
              THEN "timestamp"
          END
        ) OVER (PARTITION BY profile_id),
        '(not set)'
      )
    END AS segment
  FROM events_stitched
  WHERE dt BETWEEN :from AND :to
    AND type IN ('track', 'page', 'screen', 'identify')
    AND profile_id IS NOT NULL
),
-- One row per view and per distinct value of an order (a view and a channel unnest to their one line 0).
interactions AS (
  SELECT DISTINCT
    s.profile_id,
    s.segment,
    s.message_id,
    s.ts,
    CASE WHEN s.event = 'Order Completed' THEN 1 ELSE 0 END AS is_purchase,
    CASE
      WHEN :dimension = 'channel' THEN s.channel
      WHEN s.event = 'Order Completed'
        THEN json_extract_scalar(s.properties, concat('$.products[', CAST(l.line AS varchar), '].', :dimension))
      ELSE json_extract_scalar(s.properties, concat('$.', :dimension))
    END AS value
  FROM (
    SELECT * FROM scanned WHERE type = 'track' AND event IN ('Product Viewed', 'Order Completed')
  ) AS s
  CROSS JOIN UNNEST(
    sequence(0, CASE WHEN :dimension = 'channel' THEN 0 ELSE greatest(coalesce(s.line_count, 1), 1) - 1 END)
  ) AS l (line)
),
scored AS (
  SELECT
    profile_id,
    segment,
    value,
    sum(
      CASE WHEN is_purchase = 1 THEN CAST(:purchase_weight AS double) ELSE 1e0 END
        * power(2e0, -CAST(date_diff('millisecond', ts, CAST(:as_of AS timestamp)) AS double)
          / (CAST(:half_life_days AS double) * 86400000))
    ) AS score,
    count_if(is_purchase = 0) AS views,
    count_if(is_purchase = 1) AS purchases
  FROM interactions
  WHERE value IS NOT NULL
  GROUP BY profile_id, segment, value
),
shares AS (
  SELECT
    *,
    score / sum(score) OVER (PARTITION BY profile_id) AS affinity,
    -- 1 on one row per person, so that summing it per segment counts the segment's people.
    CASE WHEN row_number() OVER (PARTITION BY profile_id ORDER BY value) = 1 THEN 1 ELSE 0 END AS first_row
  FROM scored
  WHERE score > 0
),
sized AS (
  SELECT *, sum(first_row) OVER (PARTITION BY segment) AS segment_profiles
  FROM shares
),
-- (segment, value): the segment's rows; (segment, value, profile_id): each person's own.
grouped AS (
  SELECT
    segment,
    value,
    profile_id,
    grouping(profile_id) AS is_segment_row,
    sum(affinity) / max(segment_profiles) AS mean_affinity,
    sum(affinity) AS own_affinity,
    count(*) AS profiles,
    max(segment_profiles) AS segment_profiles,
    sum(views) AS views,
    sum(purchases) AS purchases
  FROM sized
  GROUP BY GROUPING SETS ((segment, value), (segment, value, profile_id))
),
chosen AS (
  SELECT
    segment,
    CASE WHEN is_segment_row = 0 THEN profile_id END AS profile_id,
    value,
    CASE WHEN is_segment_row = 1 THEN mean_affinity ELSE own_affinity END AS affinity,
    profiles,
    segment_profiles,
    views,
    purchases
  FROM grouped
  WHERE is_segment_row = CASE WHEN :per = 'segment' THEN 1 ELSE 0 END
),
ranked AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY segment, profile_id ORDER BY affinity DESC, value) AS ranking
  FROM chosen
)
SELECT segment, profile_id, ranking, value, affinity, profiles, segment_profiles, views, purchases
FROM ranked
WHERE ranking <= :top
ORDER BY segment, profile_id, ranking
