-- Association (market basket), the SQL half: the baskets the in-process frequent-itemset search reads. One
-- transaction per order: the Order Completed events between :from and :to with the same properties.order_id
-- (else the event's messageId) are one transaction, whose items are the :item values (product_id, sku, name
-- or category) of its properties.products[] line items, each item once. Transactions are the orders with at
-- least one such item; their number is `transactions`, and an item is frequent when at least
-- min_count = ceil(:min_support x transactions) of them hold it (the product is reduced by a relative 1e-12 so
-- that 0.1 x 30 is 3, not 3.0000000000000004 rounded up to 4). Each row is a distinct basket of the frequent
-- items (a JSON array, sorted) and how many transactions have exactly that basket.
WITH orders AS (
  SELECT
    coalesce(json_extract_scalar(properties, '$.order_id'), message_id) AS transaction_id,
    properties,
    json_array_length(json_extract(properties, '$.products')) AS line_count
  FROM events_stitched
  WHERE dt BETWEEN :from AND :to
    AND type = 'track'
    AND event = 'Order Completed'
),
line_items AS (
  SELECT DISTINCT
    o.transaction_id,
    json_extract_scalar(o.properties, concat('$.products[', CAST(l.line AS varchar), '].', :item)) AS item
  FROM (SELECT * FROM orders WHERE line_count > 0) AS o
  CROSS JOIN UNNEST(sequence(0, greatest(o.line_count, 1) - 1)) AS l (line)
),
counted AS (
  SELECT
    transaction_id,
    item,
    count(*) OVER (PARTITION BY item) AS item_transactions,
    -- 1 on one line of each transaction, so that summing it over all lines counts the transactions.
    CASE WHEN row_number() OVER (PARTITION BY transaction_id ORDER BY item) = 1 THEN 1 ELSE 0 END
      AS first_line
  FROM line_items
  WHERE item IS NOT NULL
),
thresholds AS (
  SELECT
    transaction_id,
    item,
    item_transactions,
    sum(first_line) OVER () AS transactions
  FROM counted
),
frequent AS (
  SELECT
    transaction_id,
    item,
    transactions,
    CAST(ceil(CAST(:min_support AS double) * transactions * (1 - 1e-12)) AS bigint) AS min_count
  FROM thresholds
  WHERE item_transactions >= ceil(CAST(:min_support AS double) * transactions * (1 - 1e-12))
),
baskets AS (
  SELECT transaction_id, transactions, min_count, array_agg(item ORDER BY item) AS basket
  FROM frequent
  GROUP BY transaction_id, transactions, min_count
)
SELECT
  CAST(basket AS JSON) AS basket,
  count(*) AS baskets,
  max(transactions) AS transactions,
  max(min_count) AS min_count
FROM baskets
GROUP BY basket
