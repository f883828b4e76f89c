-- DuckDB reference pipeline, step 3: retention, churn, KPIs and the survey and review summaries
-- (SPEC section 5; pipeline-core marts/RetentionCohorts, ChurnMonthly, KpiMonthly, NpsSummary,
-- CsatSummary, ReviewSummary, VoiceMonthly, VoiceStatistics). Variables besides step 1's:
-- churn_threshold_days, min_responses. Retention: mode "on", monthly grain (the bench setting).
-- The survey summaries have every dimension but clv_tier, which needs the CLV fit.

-- ---- retention_cohorts --------------------------------------------------------------------
CREATE OR REPLACE TABLE retention_cohorts AS
WITH orders AS (
  SELECT * FROM fact_orders WHERE order_date <= getvariable('as_of')
), cohort_of AS (
  SELECT customer_id, CAST(date_trunc('month', min(order_date)) AS DATE) AS cohort_month
  FROM orders WHERE is_purchase GROUP BY customer_id
), spine AS (
  SELECT cohort_month, count(*) AS cohort_size,
         datediff('month', cohort_month, date_trunc('month', getvariable('as_of'))) AS last_period
  FROM cohort_of GROUP BY cohort_month
), periods AS (
  SELECT cohort_month, cohort_size, CAST(unnest(range(0, last_period + 1)) AS INTEGER) AS period_number, last_period
  FROM spine
), in_periods AS (
  SELECT o.customer_id, o.net_amount, o.is_purchase, c.cohort_month,
         CAST(datediff('month', c.cohort_month, date_trunc('month', o.order_date)) AS INTEGER) AS period_number
  FROM orders o JOIN cohort_of c USING (customer_id)
), per_period AS (
  SELECT cohort_month, period_number, sum(net_amount) AS net_revenue,
         count(DISTINCT customer_id) FILTER (WHERE is_purchase) AS active_customers
  FROM in_periods WHERE period_number >= 0
  GROUP BY cohort_month, period_number
)
SELECT p.cohort_month, p.period_number,
       CAST(p.cohort_month + to_months(p.period_number) AS DATE) AS period_start,
       p.cohort_size, coalesce(a.active_customers, 0) AS active_customers,
       CAST(coalesce(a.active_customers, 0) AS DOUBLE) / p.cohort_size AS retention_rate,
       CAST(coalesce(a.net_revenue, 0) AS DECIMAL(18,4)) AS net_revenue,
       money_div(sum(coalesce(a.net_revenue, 0)) OVER (PARTITION BY p.cohort_month ORDER BY p.period_number
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), p.cohort_size, 6) AS cumulative_net_revenue_per_customer,
       p.period_number < p.last_period AS is_complete_period
FROM periods p
LEFT JOIN per_period a USING (cohort_month, period_number);

-- ---- churn_monthly ------------------------------------------------------------------------
-- Events from purchase days: first day = new; a day with no purchase in the next threshold days
-- churns on day + threshold + 1 (if that is not after the as-of date); a day more than threshold
-- days after the previous one is a reactivation.
CREATE OR REPLACE TABLE churn_monthly AS
WITH days AS (
  SELECT DISTINCT customer_id, order_date AS day FROM fact_orders
  WHERE is_purchase AND order_date <= getvariable('as_of')
), neighbours AS (
  SELECT day,
         lag(day) OVER w AS previous_day,
         lead(day) OVER w AS next_day,
         day + getvariable('churn_threshold_days') + 1 AS churn_date
  FROM days WINDOW w AS (PARTITION BY customer_id ORDER BY day)
), arrivals AS (
  SELECT CAST(date_trunc('month', day) AS DATE) AS month,
         count(*) FILTER (WHERE previous_day IS NULL) AS new_customers,
         count(*) FILTER (WHERE day - previous_day > getvariable('churn_threshold_days')) AS reactivated_customers
  FROM neighbours GROUP BY 1
), departures AS (
  SELECT CAST(date_trunc('month', churn_date) AS DATE) AS month, count(*) AS churned_customers
  FROM neighbours
  WHERE (next_day IS NULL OR next_day - day > getvariable('churn_threshold_days'))
    AND churn_date <= getvariable('as_of')
  GROUP BY 1
), months AS (
  SELECT CAST(unnest(generate_series(date_trunc('month', min(day)), date_trunc('month', getvariable('as_of')),
                                      INTERVAL 1 MONTH)) AS DATE) AS month
  FROM days
), flow AS (
  SELECT m.month, coalesce(a.new_customers, 0) AS new_customers,
         coalesce(d.churned_customers, 0) AS churned_customers,
         coalesce(a.reactivated_customers, 0) AS reactivated_customers
  FROM months m LEFT JOIN arrivals a USING (month) LEFT JOIN departures d USING (month)
), running AS (
  SELECT *, sum(new_customers + reactivated_customers - churned_customers) OVER (ORDER BY month) AS customers_at_end
  FROM flow
)
SELECT month,
       CAST(customers_at_end - (new_customers + reactivated_customers - churned_customers) AS BIGINT) AS customers_at_start,
       new_customers, churned_customers, reactivated_customers, CAST(customers_at_end AS BIGINT) AS customers_at_end,
       CASE WHEN customers_at_end - (new_customers + reactivated_customers - churned_customers) > 0
            THEN CAST(churned_customers AS DOUBLE) / (customers_at_end - (new_customers + reactivated_customers - churned_customers))
       END AS churn_rate,
       1.0 - CASE WHEN customers_at_end - (new_customers + reactivated_customers - churned_customers) > 0
            THEN CAST(churned_customers AS DOUBLE) / (customers_at_end - (new_customers + reactivated_customers - churned_customers))
       END AS retention_rate
FROM running;

-- ---- statistics of the voice summaries ----------------------------------------------------
CREATE OR REPLACE MACRO wilson(k, n, z, sign) AS least(1.0, greatest(0.0,
  ((CAST(k AS DOUBLE) / n + z * z / (2.0 * n))
   + sign * z * sqrt((CAST(k AS DOUBLE) / n) * (1 - CAST(k AS DOUBLE) / n) / n + z * z / (4.0 * n * n)))
  / (1 + z * z / n)));
CREATE OR REPLACE MACRO nps_variance(p, d, n) AS
  greatest(0.0, CAST(p AS DOUBLE) / n + CAST(d AS DOUBLE) / n - (CAST(p AS DOUBLE) / n - CAST(d AS DOUBLE) / n) ^ 2);
-- P(Z >= x) for x >= 0: the Taylor series of the normal CDF below 6 (terms x^(2k+1) / (2k+1)!!),
-- the asymptotic series above (relative error below 2e-5 there, where the tail is under 1e-9).
CREATE OR REPLACE MACRO upper_normal_tail(x) AS CASE
  WHEN x = 0 THEN 0.5
  WHEN x < 6 THEN 0.5 - exp(-0.5 * x * x) / sqrt(2 * pi())
         * list_sum([exp((2 * k + 1) * ln(x) - (k + 1) * ln(2) - lgamma(k + 1.5) + 0.5 * ln(pi())) FOR k IN range(0, 160)])
  ELSE exp(-0.5 * x * x) / sqrt(2 * pi()) / x * (1 - 1 / x ^ 2 + 3 / x ^ 4 - 15 / x ^ 6 + 105 / x ^ 8) END;

-- Survey responses with the as-of segments of their customer (null for anonymous responses).
CREATE OR REPLACE TABLE survey_dimensions AS
SELECT s.*, CAST(f.cohort_month AS VARCHAR) AS dim_cohort_month, f.rfm_segment AS dim_rfm_segment,
       CASE WHEN f.customer_id IS NULL THEN NULL
            WHEN f.days_since_last_purchase > getvariable('churn_threshold_days') THEN 'churned' ELSE 'active' END
         AS dim_churn_status
FROM fact_survey_responses s LEFT JOIN customer_facts f USING (customer_id);

-- One copy per period type and per dimension with a value.
CREATE OR REPLACE TABLE survey_rows AS
SELECT r.*, p.period_type,
       CAST(date_trunc(p.period_type, local_date(r.responded_at)) AS DATE) AS period_start
FROM (
  SELECT survey_type, nps_category, is_satisfied, responded_at, d.dimension, d.dimension_value
  FROM survey_dimensions,
       unnest([{'dimension': 'overall', 'dimension_value': NULL::VARCHAR},
               {'dimension': 'channel', 'dimension_value': channel},
               {'dimension': 'touchpoint', 'dimension_value': touchpoint},
               {'dimension': 'cohort_month', 'dimension_value': dim_cohort_month},
               {'dimension': 'rfm_segment', 'dimension_value': dim_rfm_segment},
               {'dimension': 'churn_status', 'dimension_value': dim_churn_status}]) AS t(d)
  WHERE d.dimension = 'overall' OR d.dimension_value IS NOT NULL
) r, (VALUES ('month'), ('quarter')) AS p(period_type);

-- ---- nps_summary --------------------------------------------------------------------------
CREATE OR REPLACE TABLE nps_summary AS
WITH counts AS (
  SELECT period_type, period_start, dimension, dimension_value, count(*) AS responses,
         count(*) FILTER (WHERE nps_category = 'promoter') AS promoters,
         count(*) FILTER (WHERE nps_category = 'passive') AS passives,
         count(*) FILTER (WHERE nps_category = 'detractor') AS detractors
  FROM survey_rows WHERE survey_type = 'nps'
  GROUP BY ALL
), with_previous AS (
  SELECT *,
         lag(period_start) OVER w = CAST(period_start - CASE WHEN period_type = 'month' THEN INTERVAL 1 MONTH
                                                           ELSE INTERVAL 3 MONTH END AS DATE) AS has_previous,
         lag(promoters) OVER w AS pp, lag(detractors) OVER w AS pd, lag(responses) OVER w AS pn
  FROM counts WINDOW w AS (PARTITION BY period_type, dimension, dimension_value ORDER BY period_start)
), stats AS (
  SELECT *,
         CASE WHEN has_previous THEN 100.0 * (pp - pd) / pn END AS previous_nps,
         CASE WHEN has_previous THEN sqrt(nps_variance(promoters, detractors, responses) / responses
                                          + nps_variance(pp, pd, pn) / pn) END AS se,
         CAST(promoters - detractors AS DOUBLE) / responses - CAST(pp - pd AS DOUBLE) / pn AS difference
  FROM with_previous
)
SELECT period_type, period_start, dimension, dimension_value, responses, promoters, passives, detractors,
       100.0 * (promoters - detractors) / responses AS nps,
       1.96 * 100.0 * sqrt(nps_variance(promoters, detractors, responses) / responses) AS nps_margin_95,
       responses < getvariable('min_responses') AS is_low_sample,
       previous_nps,
       100.0 * (promoters - detractors) / responses - previous_nps AS nps_change,
       CASE WHEN se > 0 THEN least(1.0, 2.0 * upper_normal_tail(abs(difference / se))) END AS nps_change_p_value,
       CASE WHEN se > 0 THEN least(1.0, 2.0 * upper_normal_tail(abs(difference / se))) < 0.05 END AS is_significant_change
FROM stats;

-- ---- csat_summary -------------------------------------------------------------------------
CREATE OR REPLACE TABLE csat_summary AS
WITH counts AS (
  SELECT period_type, period_start, dimension, dimension_value, count(*) AS responses,
         count(*) FILTER (WHERE is_satisfied) AS satisfied
  FROM survey_rows WHERE survey_type = 'csat'
  GROUP BY ALL
)
SELECT period_type, period_start, dimension, dimension_value, responses, satisfied,
       100.0 * satisfied / responses AS csat,
       100.0 * wilson(satisfied, responses, 1.96, -1) AS csat_wilson_low,
       100.0 * wilson(satisfied, responses, 1.96, 1) AS csat_wilson_high,
       responses < getvariable('min_responses') AS is_low_sample
FROM counts;

-- ---- review_summary: overall, product, category (a review without a product: overall only) --
CREATE OR REPLACE TABLE review_summary AS
WITH exploded AS (
  SELECT rating, replied_at, reply_hours, created_at, d.dimension, d.dimension_value
  FROM fact_reviews,
       unnest([{'dimension': 'overall', 'dimension_value': NULL::VARCHAR},
               {'dimension': 'product', 'dimension_value': product_id},
               {'dimension': 'category', 'dimension_value': CASE WHEN product_id IS NOT NULL THEN category END}]) AS t(d)
  WHERE d.dimension = 'overall' OR d.dimension_value IS NOT NULL
), counts AS (
  SELECT p.period_type, CAST(date_trunc(p.period_type, local_date(e.created_at)) AS DATE) AS period_start,
         e.dimension, e.dimension_value, count(*) AS reviews, avg(e.rating) AS avg_rating,
         count(*) FILTER (WHERE e.rating = 1) AS rating_1, count(*) FILTER (WHERE e.rating = 2) AS rating_2,
         count(*) FILTER (WHERE e.rating = 3) AS rating_3, count(*) FILTER (WHERE e.rating = 4) AS rating_4,
         count(*) FILTER (WHERE e.rating = 5) AS rating_5,
         count(*) FILTER (WHERE e.rating BETWEEN 4 AND 5) AS positive,
         count(e.replied_at) AS replied, avg(e.reply_hours) AS avg_reply_hours
  FROM exploded e, (VALUES ('month'), ('quarter')) AS p(period_type)
  GROUP BY ALL
)
SELECT period_type, period_start, dimension, dimension_value, reviews, avg_rating,
       rating_1, rating_2, rating_3, rating_4, rating_5,
       CAST(positive AS DOUBLE) / reviews AS positive_share,
       wilson(positive, reviews, 1.96, -1) AS wilson_lower_bound,
       CAST(replied AS DOUBLE) / reviews AS reply_rate, avg_reply_hours
FROM counts;

-- ---- kpi_monthly: the months of churn_monthly --------------------------------------------
CREATE OR REPLACE TABLE kpi_monthly AS
WITH customer_months AS (
  SELECT order_month AS month, customer_id, count(*) FILTER (WHERE is_purchase) AS purchases,
         min(customer_order_seq) AS first_seq, sum(gross_amount) AS gross, sum(net_amount) AS net
  FROM fact_orders WHERE order_date <= getvariable('as_of')
  GROUP BY ALL
), sales AS (
  SELECT month, sum(purchases) AS orders, count(*) FILTER (WHERE purchases > 0) AS active_customers,
         count(*) FILTER (WHERE first_seq > 1) AS repeaters, sum(gross) AS gross_revenue, sum(net) AS net_revenue
  FROM customer_months GROUP BY month
), voice AS (
  SELECT month,
         CASE WHEN sum(nps_n) > 0 THEN 100.0 * sum(nps_points) / sum(nps_n) END AS nps,
         CASE WHEN sum(csat_n) > 0 THEN 100.0 * sum(csat_satisfied) / sum(csat_n) END AS csat,
         avg(rating) AS avg_rating, avg(reply_hours) AS avg_reply_hours
  FROM (
    SELECT CAST(date_trunc('month', local_date(responded_at)) AS DATE) AS month,
           CASE WHEN survey_type = 'nps' THEN 1 ELSE 0 END AS nps_n,
           CASE WHEN survey_type = 'nps' AND nps_category = 'promoter' THEN 1
                WHEN survey_type = 'nps' AND nps_category = 'detractor' THEN -1 ELSE 0 END AS nps_points,
           CASE WHEN survey_type = 'csat' THEN 1 ELSE 0 END AS csat_n,
           CASE WHEN survey_type = 'csat' AND is_satisfied THEN 1 ELSE 0 END AS csat_satisfied,
           NULL::INTEGER AS rating, NULL::DOUBLE AS reply_hours
    FROM fact_survey_responses
    UNION ALL
    SELECT CAST(date_trunc('month', local_date(created_at)) AS DATE), 0, 0, 0, 0, rating, reply_hours
    FROM fact_reviews
  ) GROUP BY month
), kpis AS (
  SELECT c.month, c.new_customers, coalesce(s.active_customers, 0) AS active_customers,
         coalesce(s.orders, 0) AS orders,
         CAST(coalesce(s.gross_revenue, 0) AS DECIMAL(18,4)) AS gross_revenue,
         CAST(coalesce(s.net_revenue, 0) AS DECIMAL(18,4)) AS net_revenue,
         CASE WHEN coalesce(s.orders, 0) > 0 THEN money_div(s.net_revenue, s.orders, 24) END AS avg_order_value,
         CASE WHEN coalesce(s.active_customers, 0) > 0 THEN CAST(coalesce(s.repeaters, 0) AS DOUBLE) / s.active_customers END
           AS repeat_purchase_rate,
         c.retention_rate, c.churn_rate
  FROM churn_monthly c LEFT JOIN sales s USING (month)
)
SELECT k.month, k.new_customers, k.active_customers, CAST(k.orders AS BIGINT) AS orders, k.gross_revenue, k.net_revenue,
       k.avg_order_value,
       CASE WHEN lag(k.net_revenue) OVER (ORDER BY k.month) IS NOT NULL
             AND CAST(lag(k.net_revenue) OVER (ORDER BY k.month) AS DOUBLE) <> 0
            THEN (CAST(k.net_revenue AS DOUBLE) - CAST(lag(k.net_revenue) OVER (ORDER BY k.month) AS DOUBLE)) * 100.0
                 / abs(CAST(lag(k.net_revenue) OVER (ORDER BY k.month) AS DOUBLE)) END AS sales_growth_pct,
       k.repeat_purchase_rate, k.retention_rate, k.churn_rate, v.nps, v.csat, v.avg_rating, v.avg_reply_hours
FROM kpis k LEFT JOIN voice v USING (month);
