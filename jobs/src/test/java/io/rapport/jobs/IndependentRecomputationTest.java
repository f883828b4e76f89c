package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.CustomerLifecycleMonthly;
import io.rapport.marts.CustomerMonthly;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.RevenueBridgeMonthly;
import io.rapport.marts.ReviewSummary;
import io.rapport.warehouse.Manifest;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The published tables of one real run on the bundled samples (as of 2025-08-31) agree row for
 * row with an independent recomputation from the raw CSV files ({@link IndependentRecomputation}:
 * plain Java, its own CSV reader, SPEC 2, 3 and 5 applied from the text of the SPEC).
 *
 * <p>Tolerances: doubles to 1e-9 (relative), money exactly: quantity x price x rate is rounded
 * once, half-up, to 4 decimals on both sides. (This test found staging rounding the product twice,
 * to 6 then 4 decimals, which put 7 sample lines 0.0001 off; lines whose amount is sensitive to the
 * rounding order are still listed on stderr.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndependentRecomputationTest {
  IndependentRecomputation expected;
  SparkSession spark;

  @BeforeAll
  void runAndRecompute() {
    SharedSampleRun.warehouse();
    expected = new IndependentRecomputation(JobTestSupport.projectRoot().resolve("data-samples"),
        LocalDate.parse(SharedSampleRun.AS_OF));
    spark = JobTestSupport.spark();
    System.err.println("[independent] lines whose converted amount depends on the rounding order: "
        + expected.roundingSensitiveLines.size());
    expected.roundingSensitiveLines.forEach(l -> System.err.println("[independent]   " + l));
  }

  @AfterAll
  void stopSpark() {
    spark.stop();
  }

  @Test
  void manifestReconciliationMatchesOwnCountsPerSource() throws IOException {
    Manifest m = new ObjectMapper().readValue(SharedSampleRun.manifest().toFile(), Manifest.class);
    for (String source : List.of("purchases", "surveys", "reviews")) {
      IndependentRecomputation.Accounting mine = expected.accounting.get(source);
      Manifest.SourceAccounting theirs = m.inputs().get(source);
      assertEquals(mine, new IndependentRecomputation.Accounting(theirs.read(), theirs.accepted(), theirs.rejected(),
          theirs.duplicates(), theirs.afterAsOf()), source + ": (read, accepted, rejected, duplicates, after as-of)");
    }
    // data-samples/README.md: purchases 2,830 rows with 3 duplicates and 25 other bad rows, and so on.
    assertEquals(new IndependentRecomputation.Accounting(2830, 2802, 25, 3, 0), expected.accounting.get("purchases"));
    assertEquals(new IndependentRecomputation.Accounting(476, 471, 4, 1, 0), expected.accounting.get("surveys"));
    assertEquals(new IndependentRecomputation.Accounting(203, 200, 3, 0, 0), expected.accounting.get("reviews"));
  }

  @Test
  void customerFactsAgreeRowForRow() {
    Map<String, List<Object>> want = new TreeMap<>();
    Map<String, int[]> sensitive = new TreeMap<>();
    expected.customerFacts().forEach((c, f) -> {
      want.put(c, Arrays.asList(f.orders(), f.purchaseDays(), f.gross().amount(), f.refund().amount(),
          f.net().amount(), f.firstPurchaseTs(), f.lastPurchaseTs(), f.cohortMonth(), (long) f.daysSinceLastPurchase(),
          (long) f.tenureDays(), f.surveyResponses(), f.reviews(), f.avgRating()));
      sensitive.put(c, new int[] {0, 0, f.gross().sensitiveLines(), f.refund().sensitiveLines(),
          f.net().sensitiveLines(), 0, 0, 0, 0, 0, 0, 0, 0});
    });
    assertEquals(298, want.size(), "data-samples/README.md: 298 of the 300 customers have a completed purchase");
    compare(CustomerFacts.TABLE.name(), List.of("customer_id"), List.of("orders", "purchase_days", "gross_revenue",
        "refund_amount", "net_revenue", "first_purchase_ts", "last_purchase_ts", "cohort_month",
        "days_since_last_purchase", "tenure_days", "survey_responses", "reviews", "avg_rating"), want, sensitive);
  }

  @Test
  void retentionCohortsAgreeRowForRow() {
    Map<String, List<Object>> want = new TreeMap<>();
    Map<String, int[]> sensitive = new TreeMap<>();
    for (IndependentRecomputation.CohortPeriod p : expected.retentionCohorts()) {
      String key = p.cohortMonth() + "|" + p.periodNumber();
      want.put(key, Arrays.asList(p.cohortSize(), p.activeCustomers(), p.retentionRate(), p.netRevenue().amount()));
      sensitive.put(key, new int[] {0, 0, 0, p.netRevenue().sensitiveLines()});
    }
    compare(RetentionCohorts.TABLE.name(), List.of("cohort_month", "period_number"),
        List.of("cohort_size", "active_customers", "retention_rate", "net_revenue"), want, sensitive);
  }

  @Test
  void churnMonthlyAgreesRowForRowAndFlowsAddUp() {
    Map<String, List<Object>> want = new TreeMap<>();
    for (IndependentRecomputation.ChurnMonth m : expected.churnMonthly()) {
      // The event counts and the population counted from its definition must tell the same story.
      assertEquals(m.atEnd(), m.atStart() + m.newCustomers() + m.reactivated() - m.churned(),
          "own flow identity in " + m.month());
      want.put(m.month().toString(), Arrays.asList(m.atStart(), m.newCustomers(), m.churned(), m.reactivated(),
          m.atEnd()));
    }
    compare(ChurnMonthly.TABLE.name(), List.of("month"), List.of("customers_at_start", "new_customers",
        "churned_customers", "reactivated_customers", "customers_at_end"), want, Map.of());
  }

  @Test
  void npsOverallMonthlyAgrees() {
    Map<String, List<Object>> want = new TreeMap<>();
    expected.npsMonthly().forEach((m, n) -> want.put(m + "|month|overall|null", Arrays.asList(n.responses(),
        n.promoters(), n.passives(), n.detractors(), n.nps(), n.margin())));
    compareSummary(NpsSummary.TABLE.name(), List.of("responses", "promoters", "passives", "detractors", "nps",
        "nps_margin_95"), want);
  }

  @Test
  void csatOverallMonthlyAgrees() {
    Map<String, List<Object>> want = new TreeMap<>();
    expected.csatMonthly().forEach((m, c) -> want.put(m + "|month|overall|null", Arrays.asList(c.responses(),
        c.satisfied(), c.csat())));
    compareSummary(CsatSummary.TABLE.name(), List.of("responses", "satisfied", "csat"), want);
  }

  @Test
  void reviewOverallMonthlyAgrees() {
    Map<String, List<Object>> want = new TreeMap<>();
    expected.reviewMonthly().forEach((m, r) -> want.put(m + "|month|overall|null", Arrays.asList(r.reviews(),
        r.avgRating(), r.ratingCounts()[0], r.ratingCounts()[1], r.ratingCounts()[2], r.ratingCounts()[3],
        r.ratingCounts()[4], r.replyRate())));
    compareSummary(ReviewSummary.TABLE.name(), List.of("reviews", "avg_rating", "rating_1", "rating_2", "rating_3",
        "rating_4", "rating_5", "reply_rate"), want);
  }

  @Test
  void lifecycleAgreesRowForRowOverallAndByAcquisitionChannelAndCountry() {
    Map<String, List<Object>> want = new TreeMap<>();
    expected.lifecycle().forEach((k, c) -> {
      // SPEC 5: rows of four zeros are left out for dimension values other than overall.
      if (k.contains("|overall|") || c[0] + c[1] + c[2] + c[3] > 0) {
        want.put(k, Arrays.asList(c[0], c[1], c[2], c[3], c[0] + c[1] + c[2]));
      }
    });
    assertTrue(want.keySet().stream().anyMatch(k -> k.contains("|acquisition_country|")), "no country rows");
    compare(CustomerLifecycleMonthly.TABLE.name(), List.of("month", "dimension", "dimension_value"),
        List.of("new_customers", "returning_customers", "resurrected_customers", "dormant_customers", "active_customers"),
        want, Map.of());
  }

  @Test
  void revenueBridgeAgreesRowForRowAndEndsAtEachMonthsNetRevenue() {
    Map<String, List<Object>> want = new TreeMap<>();
    Map<LocalDate, BigDecimal> netByMonth = new TreeMap<>();
    expected.orders.values().forEach(o -> netByMonth.merge(IndependentRecomputation.month(o.date()), o.net().amount(), BigDecimal::add));
    for (IndependentRecomputation.BridgeMonth m : expected.revenueBridge()) {
      // The bridge's own identity: it ends at the month's net revenue of all orders.
      assertEquals(0, m.ending().compareTo(netByMonth.getOrDefault(m.month(), BigDecimal.ZERO)), "own bridge in " + m.month());
      List<Object> row = new ArrayList<>(List.of(m.starting()));
      row.addAll(Arrays.asList(m.buckets()));
      row.addAll(List.of(m.ending(), m.expanding(), m.contracting()));
      want.put(m.month().toString(), row);
    }
    compare(RevenueBridgeMonthly.TABLE.name(), List.of("month"), List.of("starting_net_revenue", "new_revenue",
        "resurrected_revenue", "expansion_revenue", "contraction_revenue", "dormant_revenue", "other_revenue",
        "ending_net_revenue", "expanding_customers", "contracting_customers"), want, Map.of());
  }

  @Test
  void customerMonthlyAgreesRowForRow() {
    Map<String, List<Object>> want = new TreeMap<>();
    for (IndependentRecomputation.CustomerMonth m : expected.customerMonthly()) {
      want.put(m.customerId() + "|" + m.month(), Arrays.asList((long) m.periodNumber(), m.orders(), m.net(),
          m.cumulative(), m.active(), m.status(), m.channel(), m.cohortMonth()));
    }
    compare(CustomerMonthly.TABLE.name(), List.of("customer_id", "month"), List.of("period_number", "orders",
        "net_revenue", "cumulative_net_revenue", "is_active", "lifecycle_status", "acquisition_channel", "cohort_month"),
        want, Map.of());
  }

  // ------------------------------------------------------------------------------------------

  private void compareSummary(String table, List<String> columns, Map<String, List<Object>> want) {
    compare(table, List.of("period_start", "period_type", "dimension", "dimension_value"), columns, want, Map.of(),
        "period_type = 'month' AND dimension = 'overall'");
  }

  private void compare(String table, List<String> keys, List<String> columns, Map<String, List<Object>> want,
      Map<String, int[]> sensitive) {
    compare(table, keys, columns, want, sensitive, null);
  }

  /**
   * Reads the published partition, keys its rows like {@code want} and lists every difference:
   * missing and extra keys, and each differing cell with both values.
   */
  private void compare(String table, List<String> keys, List<String> columns, Map<String, List<Object>> want,
      Map<String, int[]> sensitive, String filter) {
    var df = spark.read().parquet(SharedSampleRun.partition(table).toString());
    if (filter != null) {
      df = df.filter(filter);
    }
    List<String> all = new ArrayList<>(keys);
    all.addAll(columns);
    Map<String, List<Object>> got = new TreeMap<>();
    for (Row r : df.selectExpr(all.toArray(String[]::new)).collectAsList()) {
      List<String> k = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        k.add(String.valueOf(normalise(r.get(i))));
      }
      List<Object> v = new ArrayList<>();
      for (int i = keys.size(); i < all.size(); i++) {
        v.add(normalise(r.get(i)));
      }
      assertTrue(got.put(String.join("|", k), v) == null, table + ": duplicate key " + k);
    }
    List<String> problems = new ArrayList<>();
    for (String k : new TreeSet<>(want.keySet())) {
      if (!got.containsKey(k)) {
        problems.add("missing row " + k + " expected " + want.get(k));
      }
    }
    for (String k : got.keySet()) {
      if (!want.containsKey(k)) {
        problems.add("unexpected row " + k + " = " + got.get(k));
        continue;
      }
      List<Object> w = want.get(k);
      List<Object> g = got.get(k);
      int[] tolerance = sensitive.getOrDefault(k, new int[w.size()]);
      for (int i = 0; i < w.size(); i++) {
        Object a = normalise(w.get(i));
        Object b = g.get(i);
        if (agrees(a, b)) {
          continue;
        }
        String cell = table + " " + k + " " + columns.get(i) + ": recomputed " + a + ", published " + b;
        problems.add(tolerance[i] > 0 ? cell + " (" + tolerance[i] + " rounding-sensitive line(s))" : cell);
      }
    }
    System.err.println("[independent] " + table + ": " + got.size() + " rows compared, " + problems.size()
        + " disagreements");
    if (!problems.isEmpty()) {
      fail(table + ": " + problems.size() + " disagreements with the independent recomputation; first ones:\n  "
          + String.join("\n  ", problems.subList(0, Math.min(25, problems.size()))));
    }
    assertEquals(want.size(), got.size(), table + " row count");
  }

  private static Object normalise(Object o) {
    if (o instanceof Integer i) {
      return i.longValue();
    }
    if (o instanceof Date d) {
      return d.toLocalDate();
    }
    if (o instanceof Timestamp t) {
      return t.toInstant();
    }
    if (o instanceof Float f) {
      return f.doubleValue();
    }
    return o;
  }

  private static boolean agrees(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    if (a instanceof Double x && b instanceof Double y) {
      return Math.abs(x - y) <= 1e-9 * Math.max(1.0, Math.abs(x));
    }
    return Objects.equals(a, b);
  }
}
