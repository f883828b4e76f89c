-- DuckDB reference pipeline, step 1: read, validate, cut at the as-of date and de-duplicate the
-- three sources, as Rapport's staging does (SPEC section 2; pipeline-core staging/*Staging.java).
-- Variables (SET VARIABLE, done by io.rapport.bench.DuckDbReference): purchases_glob,
-- surveys_glob, reviews_glob, fx_rates_path, as_of (DATE), zone (reporting zone, IANA),
-- reporting_currency, default_currency, source_zone (zone of timestamps without an offset).
-- Rules per source, first failure wins, with Rapport's reason codes. Not reproduced: malformed
-- rows (DuckDB's strict CSV reader stops on them; the generator writes none) and Rapport's
-- column mapping and other input formats: the generated files have the canonical columns, so
-- they are declared (all text) instead of sniffed from every file.

-- Integer text as Rapport reads it: "3" and "3.0" are 3; "1.5", "x" and out-of-range are NULL.
CREATE OR REPLACE MACRO int_or_null(t) AS
  CASE WHEN try_cast(t AS DECIMAL(38,10)) = floor(try_cast(t AS DECIMAL(38,10)))
        AND try_cast(t AS DECIMAL(38,10)) BETWEEN -2147483648 AND 2147483647
       THEN CAST(try_cast(t AS DECIMAL(38,10)) AS INTEGER) END;
CREATE OR REPLACE MACRO text_or_null(t) AS nullif(trim(t), '');
-- The first instant after the as-of date in the reporting zone: later events are not observed yet.
CREATE OR REPLACE MACRO cutoff() AS timezone(getvariable('zone'), CAST(getvariable('as_of') + 1 AS TIMESTAMP));
CREATE OR REPLACE MACRO local_date(ts) AS CAST(timezone(getvariable('zone'), ts) AS DATE);

-- Exchange rates: reporting-currency units per unit of currency, valid from their date on.
CREATE OR REPLACE TABLE fx_rates AS
SELECT upper(trim(currency)) AS currency, CAST(trim(date) AS DATE) AS rate_date,
       CAST(trim(rate) AS DECIMAL(24,12)) AS rate
FROM read_csv(getvariable('fx_rates_path'), header = true, all_varchar = true);

-- ---- purchases ----------------------------------------------------------------------------
CREATE OR REPLACE TABLE purchases_checked AS
WITH src AS (
  SELECT filename AS source_file,
         text_or_null(order_id) AS order_id, text_or_null(line_number) AS line_text,
         text_or_null(customer_id) AS customer_id, text_or_null(order_ts) AS ts_text,
         text_or_null(product_id) AS product_id, text_or_null(category) AS category,
         text_or_null(quantity) AS qty_text, text_or_null(unit_price) AS price_text,
         upper(coalesce(text_or_null(currency), getvariable('default_currency'))) AS currency,
         lower(text_or_null(status)) AS status_text,
         text_or_null(channel) AS channel, text_or_null(country) AS country
  FROM read_csv(getvariable('purchases_glob'), header = true, filename = true, delim = ',', quote = '"', escape = '"',
                auto_detect = false, columns = {'order_id': 'VARCHAR', 'line_number': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_ts': 'VARCHAR', 'product_id': 'VARCHAR', 'category': 'VARCHAR', 'quantity': 'VARCHAR', 'unit_price': 'VARCHAR', 'currency': 'VARCHAR', 'status': 'VARCHAR', 'channel': 'VARCHAR', 'country': 'VARCHAR'})
), typed AS (
  SELECT *,
         int_or_null(line_text) AS line_number,
         -- ISO-8601 with an offset; without one, the source zone applies.
         CASE WHEN regexp_matches(ts_text, '(Z|[+-]\d\d:?\d\d)$') THEN try_cast(ts_text AS TIMESTAMPTZ)
              ELSE timezone(getvariable('source_zone'), try_cast(ts_text AS TIMESTAMP)) END AS order_ts,
         int_or_null(qty_text) AS quantity,
         try_cast(price_text AS DECIMAL(38,10)) AS price,
         CASE WHEN status_text IS NULL OR status_text IN ('completed', 'complete') THEN 'completed'
              WHEN status_text IN ('cancelled', 'canceled') THEN 'cancelled'
              WHEN status_text IN ('returned', 'return', 'refunded') THEN 'returned' END AS status_parsed
  FROM src
), converted AS (
  SELECT t.*,
         local_date(t.order_ts) AS order_date,
         CASE WHEN abs(t.price) < 1e14 THEN CAST(t.price AS DECIMAL(18,4)) END AS unit_price,
         CASE WHEN t.status_parsed = 'completed' AND t.quantity < 0 THEN 'returned' ELSE t.status_parsed END AS status,
         CASE WHEN t.currency = getvariable('reporting_currency') THEN CAST(1 AS DECIMAL(24,12)) ELSE r.rate END AS rate
  FROM typed t
  ASOF LEFT JOIN fx_rates r ON t.currency = r.currency AND local_date(t.order_ts) >= r.rate_date
)
SELECT source_file, order_id, line_number, customer_id, order_ts, order_date, product_id, category,
       quantity, unit_price, currency, status, channel, country, ts_text, price_text, qty_text, status_text,
       -- Exact product, rounded once (half away from zero) to 4 decimals, as Rapport does.
       CAST(CAST(CAST(quantity AS DECIMAL(38,0)) * unit_price AS DECIMAL(19,4)) * CAST(rate AS DECIMAL(18,12))
            AS DECIMAL(18,4)) AS line_amount,
       CASE WHEN order_id IS NULL THEN 'missing_order_id'
            WHEN line_text IS NOT NULL AND line_number IS NULL THEN 'invalid_line_number'
            WHEN customer_id IS NULL THEN 'missing_customer_id'
            WHEN order_ts IS NULL THEN 'invalid_timestamp'
            WHEN quantity IS NULL THEN 'invalid_quantity'
            WHEN quantity = 0 THEN 'zero_quantity'
            WHEN unit_price IS NULL THEN 'invalid_price'
            WHEN unit_price < 0 THEN 'negative_price'
            WHEN status IS NULL THEN 'unknown_status'
            WHEN rate IS NULL THEN 'unknown_currency' END AS reason_code
FROM converted;

-- Accepted lines: valid, up to the as-of date, the copy of a (order_id, line_number) in the last
-- file (by path) wins. A line without a number falls back to its whole row as the key.
CREATE OR REPLACE TABLE staged_purchases AS
SELECT order_id, line_number, customer_id, order_ts, order_date, product_id, category, quantity,
       unit_price, currency, line_amount, status, channel, country, source_file
FROM purchases_checked
WHERE reason_code IS NULL AND order_ts < cutoff()
QUALIFY row_number() OVER (
  PARTITION BY order_id, coalesce(CAST(line_number AS VARCHAR),
    concat_ws('|', customer_id, ts_text, product_id, category, qty_text, price_text, currency, status_text, channel, country))
  ORDER BY source_file DESC) = 1;

-- ---- surveys ------------------------------------------------------------------------------
CREATE OR REPLACE TABLE surveys_checked AS
WITH src AS (
  SELECT filename AS source_file,
         text_or_null(response_id) AS response_id, text_or_null(customer_id) AS customer_id,
         text_or_null(responded_at) AS ts_text, text_or_null(survey_type) AS type_text,
         text_or_null(score) AS score_text,
         CASE WHEN trim(comment) <> '' THEN comment END AS comment,
         text_or_null(channel) AS channel, text_or_null(touchpoint) AS touchpoint
  FROM read_csv(getvariable('surveys_glob'), header = true, filename = true, delim = ',', quote = '"', escape = '"',
                auto_detect = false, columns = {'response_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'responded_at': 'VARCHAR', 'survey_type': 'VARCHAR', 'score': 'VARCHAR', 'comment': 'VARCHAR', 'channel': 'VARCHAR', 'touchpoint': 'VARCHAR'})
), typed AS (
  SELECT *,
         timezone(getvariable('source_zone'), try_strptime(ts_text, '%Y-%m-%d %H:%M:%S')) AS responded_at,
         lower(type_text) AS survey_type,
         int_or_null(score_text) AS score
  FROM src
)
SELECT *,
       CASE WHEN response_id IS NULL THEN 'missing_response_id'
            WHEN responded_at IS NULL THEN 'invalid_timestamp'
            WHEN survey_type IS NULL OR survey_type NOT IN ('nps', 'csat') THEN 'invalid_survey_type'
            WHEN score IS NULL THEN 'invalid_score'
            WHEN survey_type = 'nps' AND score NOT BETWEEN 0 AND 10 THEN 'score_out_of_range'
            WHEN survey_type = 'csat' AND score NOT BETWEEN 1 AND 5 THEN 'score_out_of_range' END AS reason_code
FROM typed;

CREATE OR REPLACE TABLE staged_surveys AS
SELECT response_id, customer_id, responded_at, survey_type, score, comment, channel, touchpoint, source_file
FROM surveys_checked
WHERE reason_code IS NULL AND responded_at < cutoff()
QUALIFY row_number() OVER (PARTITION BY response_id ORDER BY source_file DESC) = 1;

-- ---- reviews ------------------------------------------------------------------------------
CREATE OR REPLACE TABLE reviews_checked AS
WITH src AS (
  SELECT filename AS source_file,
         text_or_null(review_id) AS review_id, text_or_null(customer_id) AS customer_id,
         text_or_null(order_id) AS order_id, text_or_null(product_id) AS product_id,
         text_or_null(category) AS category, text_or_null(rating) AS rating_text,
         CASE WHEN trim(title) <> '' THEN title END AS title,
         CASE WHEN trim(text) <> '' THEN text END AS text,
         text_or_null(created_at) AS created_text, text_or_null(replied_at) AS replied_text
  FROM read_csv(getvariable('reviews_glob'), header = true, filename = true, delim = ',', quote = '"', escape = '"',
                auto_detect = false, columns = {'review_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_id': 'VARCHAR', 'product_id': 'VARCHAR', 'category': 'VARCHAR', 'rating': 'VARCHAR', 'title': 'VARCHAR', 'text': 'VARCHAR', 'created_at': 'VARCHAR', 'replied_at': 'VARCHAR'})
), typed AS (
  SELECT *,
         timezone(getvariable('source_zone'), try_strptime(created_text, '%Y-%m-%d %H:%M:%S')) AS created_at,
         timezone(getvariable('source_zone'), try_strptime(replied_text, '%Y-%m-%d %H:%M:%S')) AS replied_parsed,
         int_or_null(rating_text) AS rating
  FROM src
)
SELECT *,
       CASE WHEN review_id IS NULL THEN 'missing_review_id'
            WHEN created_at IS NULL THEN 'invalid_timestamp'
            WHEN replied_text IS NOT NULL AND replied_parsed IS NULL THEN 'invalid_timestamp'
            WHEN rating IS NULL THEN 'invalid_rating'
            WHEN rating NOT BETWEEN 1 AND 5 THEN 'rating_out_of_range' END AS reason_code
FROM typed;

-- A reply after the as-of date has not happened yet in this run.
CREATE OR REPLACE TABLE staged_reviews AS
SELECT review_id, customer_id, order_id, product_id, category, rating, title, text, created_at,
       CASE WHEN replied_parsed < cutoff() THEN replied_parsed END AS replied_at, source_file
FROM reviews_checked
WHERE reason_code IS NULL AND created_at < cutoff()
QUALIFY row_number() OVER (PARTITION BY review_id ORDER BY source_file DESC) = 1;

-- ---- row accounting: read = accepted + rejected + duplicates + after_as_of -------------------
CREATE OR REPLACE TABLE source_counts AS
WITH c AS (
  SELECT 'purchases' AS source, count(*) AS read, count(reason_code) AS rejected,
         count(*) FILTER (WHERE reason_code IS NULL AND order_ts >= cutoff()) AS after_as_of,
         (SELECT count(*) FROM staged_purchases) AS accepted
  FROM purchases_checked
  UNION ALL
  SELECT 'surveys', count(*), count(reason_code),
         count(*) FILTER (WHERE reason_code IS NULL AND responded_at >= cutoff()),
         (SELECT count(*) FROM staged_surveys)
  FROM surveys_checked
  UNION ALL
  SELECT 'reviews', count(*), count(reason_code),
         count(*) FILTER (WHERE reason_code IS NULL AND created_at >= cutoff()),
         (SELECT count(*) FROM staged_reviews)
  FROM reviews_checked
)
SELECT source, read, accepted, rejected, read - accepted - rejected - after_as_of AS duplicates, after_as_of FROM c;
