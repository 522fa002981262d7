-- Purchase sequences: "bought X, then Y within :window_days". Over people, not orders. An item purchase is
-- an :item value (product_id, sku, name or category) among the properties.products[] of an Order Completed.
-- N (buyers) = people with a purchase between :from and :to; people(X) = those who bought X between :from and
-- :to; people(X -> Y) = those who bought X between :from and :to and then Y (another item) at a later time, at
-- most :window_days after that purchase of X (Y is read up to :window_days after :to, :scan_to); people(Y) =
-- those who bought Y between :from and :to. support = people(X -> Y) / N, confidence = people(X -> Y) /
-- people(X), lift = confidence / (people(Y) / N), NULL when nobody bought Y in the range. Rows: the :top pairs
-- with at least :min_people people, the most people first.
WITH orders AS (
  SELECT
    profile_id,
    "timestamp" AS ts,
    dt,
    properties,
    json_array_length(json_extract(properties, '$.products')) AS line_count
  FROM events_stitched
  WHERE dt BETWEEN :from AND :scan_to
    AND type = 'track'
    AND event = 'Order Completed'
    AND profile_id IS NOT NULL
),
purchases AS (
  SELECT DISTINCT
    o.profile_id,
    o.ts,
    o.dt BETWEEN :from AND :to AS in_range,
    json_extract_scalar(o.properties, concat('$.products[', CAST(l.line AS varchar), '].', :item)) AS item
  FROM (SELECT * FROM orders WHERE line_count > 0) AS o
  CROSS JOIN UNNEST(sequence(0, greatest(o.line_count, 1) - 1)) AS l (line)
),
-- Each buyer's item purchases in time order, as parallel arrays: what follows pairs them without reading the
-- purchases a second time (Athena would scan again for a self-join).
buyers AS (
  SELECT
    profile_id,
    count(*) AS purchase_count,
    array_agg(item ORDER BY ts, item) AS items,
    array_agg(ts ORDER BY ts, item) AS times,
    array_agg(in_range ORDER BY ts, item) AS in_range
  FROM purchases
  WHERE item IS NOT NULL
  GROUP BY profile_id
),
-- Per buyer and purchase i in the range, rows of four kinds, told apart by which side is NULL:
-- j = -2: (NULL, NULL), the buyer; j = -1: (NULL, item i), a consequent's buyer; j = 0: (item i, NULL), an
-- antecedent's buyer; j > i: (item i, item j) when j is another item bought later within the window.
facts AS (
  SELECT DISTINCT
    b.profile_id,
    CASE WHEN p.j >= 0 THEN b.items[a.i] END AS antecedent,
    CASE WHEN p.j = -1 THEN b.items[a.i] WHEN p.j > 0 THEN b.items[greatest(p.j, 1)] END AS consequent
  FROM buyers AS b
  CROSS JOIN UNNEST(sequence(1, b.purchase_count)) AS a (i)
  CROSS JOIN UNNEST(sequence(-2, b.purchase_count)) AS p (j)
  WHERE b.in_range[a.i]
    AND (
      p.j <= 0
      OR (
        p.j > a.i
        AND b.items[greatest(p.j, 1)] <> b.items[a.i]
        AND b.times[greatest(p.j, 1)] > b.times[a.i]
        AND date_diff('millisecond', b.times[a.i], b.times[greatest(p.j, 1)])
          <= CAST(:window_days AS bigint) * 86400000
      )
    )
),
counted AS (
  SELECT antecedent, consequent, count(*) AS people
  FROM facts
  GROUP BY antecedent, consequent
),
measured AS (
  SELECT
    antecedent,
    consequent,
    people,
    max(CASE WHEN consequent IS NULL THEN people END) OVER (PARTITION BY antecedent) AS antecedent_people,
    max(CASE WHEN antecedent IS NULL THEN people END) OVER (PARTITION BY consequent) AS consequent_people,
    max(CASE WHEN antecedent IS NULL AND consequent IS NULL THEN people END) OVER () AS buyers
  FROM counted
),
ranked AS (
  SELECT
    *,
    row_number() OVER (
      ORDER BY people DESC, CAST(people AS double) / antecedent_people DESC, antecedent, consequent
    ) AS ranking
  FROM measured
  WHERE antecedent IS NOT NULL AND consequent IS NOT NULL AND people >= :min_people
)
SELECT
  antecedent,
  consequent,
  people,
  antecedent_people,
  consequent_people,
  buyers,
  CAST(people AS double) / buyers AS support,
  CAST(people AS double) / antecedent_people AS confidence,
  CAST(people AS double) * buyers / (CAST(antecedent_people AS double) * consequent_people) AS lift
FROM ranked
WHERE ranking <= :top
ORDER BY ranking
