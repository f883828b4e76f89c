-- DuckDB reference pipeline, step 2: the fact tables and customer_facts (SPEC sections 3-4;
-- pipeline-core marts/FactOrders, FactSurveyResponses, FactReviews, CustomerFacts, Rfm).

-- Money divided by a count as Rapport's Spark arithmetic does it, exactly: the quotient is first
-- rounded half away from zero to the scale Spark's decimal division gives (24 digits for a
-- decimal(18,4) amount, 6 for a wider sum), then to 4 decimals. DuckDB's DECIMAL / INTEGER is a
-- DOUBLE, which would round ties such as 0.00015 the wrong way.
CREATE OR REPLACE MACRO div_half_up(a, b) AS sign(a) * ((abs(a) * 2 + b) // (2 * b));
CREATE OR REPLACE MACRO money_div(amount, n, scale) AS CAST(
  CAST(div_half_up(div_half_up(CAST(amount * 10000 AS HUGEINT) * CAST(rpad('1', scale - 3, '0') AS HUGEINT), n),
                   CAST(rpad('1', scale - 3, '0') AS HUGEINT)) AS DECIMAL(38,0)) * CAST(0.0001 AS DECIMAL(5,4)) AS DECIMAL(18,4));

-- One row per order with at least one line not cancelled. A purchase has a completed line of
-- positive quantity; refunds are negative or returned lines; cancelled lines count nowhere.
CREATE OR REPLACE TABLE fact_orders AS
WITH orders AS (
  SELECT order_id,
         min(customer_id) AS customer_id,
         min(order_ts) AS order_ts,
         CAST(coalesce(sum(line_amount) FILTER (WHERE status = 'completed' AND quantity > 0), 0) AS DECIMAL(18,4)) AS gross_amount,
         CAST(coalesce(sum(abs(line_amount)) FILTER (WHERE quantity < 0 OR status = 'returned'), 0) AS DECIMAL(18,4)) AS refund_amount,
         coalesce(sum(CAST(quantity AS BIGINT)) FILTER (WHERE status = 'completed' AND quantity > 0), 0) AS items,
         coalesce(bool_or(status = 'completed' AND quantity > 0), false) AS is_purchase,
         min(channel) AS channel,
         min(country) AS country,
         count(*) AS lines
  FROM staged_purchases
  WHERE status <> 'cancelled'
  GROUP BY order_id
)
SELECT order_id, customer_id, order_ts, local_date(order_ts) AS order_date,
       CAST(date_trunc('month', local_date(order_ts)) AS DATE) AS order_month,
       gross_amount, refund_amount, CAST(gross_amount - refund_amount AS DECIMAL(18,4)) AS net_amount, items,
       CASE WHEN is_purchase THEN row_number() OVER (PARTITION BY customer_id, is_purchase ORDER BY order_ts, order_id) END
         AS customer_order_seq,
       coalesce(is_purchase AND row_number() OVER (PARTITION BY customer_id, is_purchase ORDER BY order_ts, order_id) = 1, false)
         AS is_first_order,
       channel, country, is_purchase, lines
FROM orders;

CREATE OR REPLACE TABLE fact_survey_responses AS
SELECT response_id, customer_id, responded_at, local_date(responded_at) AS response_date, survey_type, score,
       CASE WHEN survey_type = 'nps' AND score BETWEEN 9 AND 10 THEN 'promoter'
            WHEN survey_type = 'nps' AND score BETWEEN 7 AND 8 THEN 'passive'
            WHEN survey_type = 'nps' AND score BETWEEN 0 AND 6 THEN 'detractor' END AS nps_category,
       CASE WHEN survey_type = 'csat' AND score BETWEEN 4 AND 5 THEN true
            WHEN survey_type = 'csat' AND score BETWEEN 1 AND 3 THEN false END AS is_satisfied,
       channel, touchpoint, comment
FROM staged_surveys;

-- A review without a customer takes its order's customer.
CREATE OR REPLACE TABLE fact_reviews AS
SELECT r.review_id, coalesce(r.customer_id, o.customer_id) AS customer_id, r.order_id, r.product_id, r.category,
       r.rating, r.title, r.text, r.created_at, local_date(r.created_at) AS created_date, r.replied_at,
       CASE WHEN r.replied_at >= r.created_at THEN (epoch(r.replied_at) - epoch(r.created_at)) / 3600.0 END AS reply_hours,
       r.customer_id IS NULL AND o.customer_id IS NOT NULL AS customer_id_resolved_from_order
FROM staged_reviews r
LEFT JOIN fact_orders o ON r.order_id = o.order_id;

-- One row per customer with a purchase. RFM: quintile cut points at rank ceil(q x n) of the
-- sorted values (Rapport's exact cuts, marts/QuantileCuts);
-- a score bucket is 1 + the number of cuts strictly below the value.
CREATE OR REPLACE TABLE customer_facts AS
WITH customers AS (
  SELECT customer_id,
         min(order_ts) FILTER (WHERE is_purchase) AS first_purchase_ts,
         max(order_ts) FILTER (WHERE is_purchase) AS last_purchase_ts,
         min(order_date) FILTER (WHERE is_purchase) AS first_date,
         max(order_date) FILTER (WHERE is_purchase) AS last_date,
         count(*) FILTER (WHERE is_purchase) AS orders,
         count(DISTINCT order_date) FILTER (WHERE is_purchase) AS purchase_days,
         CAST(sum(gross_amount) AS DECIMAL(18,4)) AS gross_revenue,
         CAST(sum(refund_amount) AS DECIMAL(18,4)) AS refund_amount,
         CAST(sum(net_amount) AS DECIMAL(18,4)) AS net_revenue
  FROM fact_orders
  WHERE order_date <= getvariable('as_of')
  GROUP BY customer_id
  HAVING count(*) FILTER (WHERE is_purchase) > 0
), surveys AS (
  SELECT customer_id, count(*) AS survey_responses,
         max({'t': responded_at, 'id': response_id, 'score': score, 'category': nps_category})
           FILTER (WHERE survey_type = 'nps') AS last_nps,
         avg(score) FILTER (WHERE survey_type = 'csat') AS avg_csat
  FROM fact_survey_responses WHERE customer_id IS NOT NULL GROUP BY customer_id
), reviews AS (
  SELECT customer_id, count(*) AS reviews, avg(rating) AS avg_rating
  FROM fact_reviews WHERE customer_id IS NOT NULL GROUP BY customer_id
), facts AS (
  SELECT c.*, CAST(date_trunc('month', c.first_date) AS DATE) AS cohort_month,
         money_div(c.net_revenue, c.orders, 24) AS avg_order_value,
         CAST(getvariable('as_of') - c.last_date AS INTEGER) AS days_since_last_purchase,
         CAST(getvariable('as_of') - c.first_date AS INTEGER) AS tenure_days,
         coalesce(s.survey_responses, 0) AS survey_responses, s.last_nps.score AS last_nps_score,
         s.last_nps.category AS last_nps_category, s.avg_csat,
         coalesce(r.reviews, 0) AS reviews, r.avg_rating
  FROM customers c
  LEFT JOIN surveys s USING (customer_id)
  LEFT JOIN reviews r USING (customer_id)
), sorted AS (
  SELECT count(*) AS n,
         list_sort(list(CAST(days_since_last_purchase AS DOUBLE))) AS r,
         list_sort(list(CAST(orders AS DOUBLE))) AS f,
         list_sort(list(CAST(net_revenue AS DOUBLE))) AS m
  FROM facts
), cuts AS (
  SELECT [r[CAST(greatest(1, ceil(q * n)) AS BIGINT)] FOR q IN [0.2::DOUBLE, 0.4::DOUBLE, 0.6::DOUBLE, 0.8::DOUBLE]] AS r_cuts,
         [f[CAST(greatest(1, ceil(q * n)) AS BIGINT)] FOR q IN [0.2::DOUBLE, 0.4::DOUBLE, 0.6::DOUBLE, 0.8::DOUBLE]] AS f_cuts,
         [m[CAST(greatest(1, ceil(q * n)) AS BIGINT)] FOR q IN [0.2::DOUBLE, 0.4::DOUBLE, 0.6::DOUBLE, 0.8::DOUBLE]] AS m_cuts
  FROM sorted
), scored AS (
  SELECT facts.*,
         6 - (1 + len(list_filter(r_cuts, c -> c < CAST(days_since_last_purchase AS DOUBLE)))) AS rfm_recency_score,
         1 + len(list_filter(f_cuts, c -> c < CAST(orders AS DOUBLE))) AS rfm_frequency_score,
         1 + len(list_filter(m_cuts, c -> c < CAST(net_revenue AS DOUBLE))) AS rfm_monetary_score
  FROM facts CROSS JOIN cuts
)
SELECT customer_id, first_purchase_ts, last_purchase_ts, cohort_month, orders, purchase_days, gross_revenue,
       refund_amount, net_revenue, avg_order_value, days_since_last_purchase, tenure_days, survey_responses,
       last_nps_score, last_nps_category, avg_csat, reviews, avg_rating,
       CAST(rfm_recency_score AS INTEGER) AS rfm_recency_score,
       CAST(rfm_frequency_score AS INTEGER) AS rfm_frequency_score,
       CAST(rfm_monetary_score AS INTEGER) AS rfm_monetary_score,
       CASE WHEN rfm_recency_score >= 4 AND rfm_frequency_score >= 4 THEN 'champions'
            WHEN rfm_recency_score >= 3 AND rfm_frequency_score >= 3 THEN 'loyal'
            WHEN rfm_recency_score >= 4 AND rfm_frequency_score = 1 THEN 'new'
            WHEN rfm_recency_score >= 3 THEN 'potential_loyalist'
            WHEN rfm_frequency_score >= 4 AND rfm_monetary_score >= 4 THEN 'cant_lose'
            WHEN rfm_frequency_score >= 3 THEN 'at_risk'
            WHEN rfm_recency_score = 2 THEN 'hibernating'
            ELSE 'lost' END AS rfm_segment
FROM scored;
