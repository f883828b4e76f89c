package io.rapport.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * SPEC sections 2, 3 and 5 recomputed with plain Java from the raw sample files, sharing no code
 * with the pipeline: its own CSV reader, validation, de-duplication, as-of cut, currency
 * conversion and metric definitions. Per-customer loops are fine here: this is a test oracle
 * over a few hundred customers, not pipeline code.
 *
 * <p>Money: a line amount is quantity x unit_price x rate computed exactly and rounded ONCE,
 * half-up, to 4 decimals (SPEC 3: "line amount = quantity x unit_price, in the reporting
 * currency"; money is decimal(18,4)). Lines whose exact amount lies where rounding first to 6 and
 * then to 4 decimals gives another result are counted per aggregate in
 * {@link Money#sensitiveLines}, so a comparison can tell a rounding-order difference from a real one.
 */
final class IndependentRecomputation {

  /** Reporting zone and threshold of the bundled configuration (config/rapport.yaml). */
  static final ZoneId ZONE = ZoneOffset.UTC;
  static final int CHURN_THRESHOLD_DAYS = 90;
  private static final BigDecimal MIN_RATE_TEXT_CHECK = BigDecimal.ZERO;

  /** A sum of line amounts and how many of its lines are sensitive to the rounding order. */
  record Money(BigDecimal amount, int sensitiveLines) {
    static final Money ZERO = new Money(BigDecimal.ZERO.setScale(4), 0);

    Money plus(Money o) {
      return new Money(amount.add(o.amount), sensitiveLines + o.sensitiveLines);
    }

    Money minus(Money o) {
      return new Money(amount.subtract(o.amount), sensitiveLines + o.sensitiveLines);
    }

    Money abs() {
      return new Money(amount.abs(), sensitiveLines);
    }
  }

  record Line(String orderId, String customerId, Instant ts, int quantity, String status, Money amount,
      String channel, String country) {}

  /** channel and country: the smallest non-null over the order's lines that are not cancelled. */
  record Order(String orderId, String customerId, Instant ts, LocalDate date, Money gross, Money refund,
      boolean purchase, String channel, String country) {
    Money net() {
      return gross.minus(refund);
    }
  }

  record Survey(String responseId, String customerId, Instant at, String type, int score) {}

  record Review(String reviewId, String customerId, String orderId, int rating, Instant created, Instant replied) {}

  /** Where the rows of one source ended: read = accepted + rejected + duplicates + afterAsOf. */
  record Accounting(long read, long accepted, long rejected, long duplicates, long afterAsOf) {}

  final LocalDate asOf;
  final Instant cutoff;
  final Map<String, Accounting> accounting = new LinkedHashMap<>();
  final List<Line> lines = new ArrayList<>();
  final List<Survey> surveys = new ArrayList<>();
  final List<Review> reviews = new ArrayList<>();
  final Map<String, Order> orders = new TreeMap<>();
  /** Lines where single and double rounding of the converted amount differ (for the report). */
  final List<String> roundingSensitiveLines = new ArrayList<>();

  private final Map<String, TreeMap<LocalDate, BigDecimal>> rates = new HashMap<>();

  IndependentRecomputation(Path samples, LocalDate asOf) {
    this.asOf = asOf;
    this.cutoff = asOf.plusDays(1).atStartOfDay(ZONE).toInstant();
    try {
      readRates(samples.resolve("fx-rates/rates.csv"));
      readPurchases(files(samples.resolve("purchases")));
      readSurveys(files(samples.resolve("surveys")));
      readReviews(files(samples.resolve("reviews")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buildOrders();
  }

  // ---------------------------------------------------------------------------------- inputs

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      // Day folders are yyyy-MM-dd, so path order is file order ("the latest file wins").
      return s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
  }

  private void readRates(Path file) throws IOException {
    IndependentCsv.Table t = IndependentCsv.read(file);
    int d = t.column("date");
    int c = t.column("currency");
    int r = t.column("rate");
    for (List<String> rec : t.records()) {
      BigDecimal rate = new BigDecimal(rec.get(r).trim());
      if (rate.compareTo(MIN_RATE_TEXT_CHECK) <= 0) {
        throw new IllegalStateException("non-positive rate " + rec);
      }
      rates.computeIfAbsent(rec.get(c).trim().toUpperCase(Locale.ROOT), k -> new TreeMap<>())
          .put(LocalDate.parse(rec.get(d).trim()), rate);
    }
  }

  /** A valid row of a source: its natural key, event time and value; null value means rejected. */
  private record Candidate<T>(String key, Instant eventTime, T value) {}

  /**
   * Applies SPEC 2's disposition to every row in file order: rejected, after the as-of date,
   * or a candidate of which the last copy of each natural key wins.
   */
  private <T> List<T> stage(String source, List<Path> files, Function<Map<String, String>, Candidate<T>> parse)
      throws IOException {
    long read = 0;
    long rejected = 0;
    long late = 0;
    long candidates = 0;
    Map<String, T> winners = new LinkedHashMap<>();
    for (Path f : files) {
      IndependentCsv.Table t = IndependentCsv.read(f);
      for (List<String> rec : t.records()) {
        read++;
        if (rec.size() != t.header().size()) {
          rejected++; // malformed
          continue;
        }
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < rec.size(); i++) {
          String v = rec.get(i).trim();
          row.put(t.header().get(i), v.isEmpty() ? null : v);
        }
        Candidate<T> c = parse.apply(row);
        if (c == null) {
          rejected++;
        } else if (!c.eventTime().isBefore(cutoff)) {
          late++;
        } else {
          candidates++;
          winners.remove(c.key()); // keep the latest copy, in its position
          winners.put(c.key(), c.value());
        }
      }
    }
    accounting.put(source, new Accounting(read, winners.size(), rejected, candidates - winners.size(), late));
    return new ArrayList<>(winners.values());
  }

  private void readPurchases(List<Path> files) throws IOException {
    lines.addAll(stage("purchases", files, r -> {
      String orderId = r.get("order_id");
      String lineText = r.get("line_number");
      String customer = r.get("customer_id");
      Instant ts = isoInstant(r.get("order_ts"));
      Integer qty = integer(r.get("quantity"));
      BigDecimal price = decimal(r.get("unit_price"));
      String statusText = r.get("status") == null ? "completed" : r.get("status").toLowerCase(Locale.ROOT);
      String currency = r.get("currency") == null ? "USD" : r.get("currency").toUpperCase(Locale.ROOT);
      if (orderId == null || (lineText != null && integer(lineText) == null) || customer == null || ts == null
          || qty == null || qty == 0 || price == null || price.signum() < 0
          || !Set.of("completed", "cancelled", "returned").contains(statusText)) {
        return null;
      }
      BigDecimal rate = rate(currency, ts.atZone(ZONE).toLocalDate());
      if (rate == null) {
        return null; // unknown_currency
      }
      BigDecimal exact = BigDecimal.valueOf(qty).multiply(price).multiply(rate);
      BigDecimal amount = exact.setScale(4, RoundingMode.HALF_UP);
      boolean sensitive = exact.setScale(6, RoundingMode.HALF_UP).setScale(4, RoundingMode.HALF_UP).compareTo(amount) != 0;
      if (sensitive) {
        roundingSensitiveLines.add(orderId + "/" + lineText + ": " + qty + " x " + price + " " + currency + " x "
            + rate + " = " + exact.toPlainString());
      }
      String status = statusText.equals("completed") && qty < 0 ? "returned" : statusText;
      String key = orderId + "\u0000" + (lineText == null ? String.valueOf(r) : String.valueOf(integer(lineText)));
      return new Candidate<>(key, ts, new Line(orderId, customer, ts, qty, status, new Money(amount, sensitive ? 1 : 0),
          r.get("channel"), r.get("country")));
    }));
  }

  private BigDecimal rate(String currency, LocalDate day) {
    if (currency.equals("USD")) {
      return BigDecimal.ONE;
    }
    TreeMap<LocalDate, BigDecimal> byDay = rates.get(currency);
    Map.Entry<LocalDate, BigDecimal> e = byDay == null ? null : byDay.floorEntry(day);
    return e == null ? null : e.getValue();
  }

  private void readSurveys(List<Path> files) throws IOException {
    surveys.addAll(stage("surveys", files, r -> {
      String id = r.get("response_id");
      Instant at = utcInstant(r.get("responded_at"));
      String type = r.get("survey_type") == null ? null : r.get("survey_type").toLowerCase(Locale.ROOT);
      Integer score = integer(r.get("score"));
      if (id == null || at == null || score == null || !("nps".equals(type) || "csat".equals(type))) {
        return null;
      }
      boolean inRange = type.equals("nps") ? score >= 0 && score <= 10 : score >= 1 && score <= 5;
      if (!inRange) {
        return null;
      }
      return new Candidate<>(id, at, new Survey(id, r.get("customer_id"), at, type, score));
    }));
  }

  private void readReviews(List<Path> files) throws IOException {
    reviews.addAll(stage("reviews", files, r -> {
      String id = r.get("review_id");
      Instant created = utcInstant(r.get("created_at"));
      Instant replied = utcInstant(r.get("replied_at"));
      Integer rating = integer(r.get("rating"));
      if (id == null || created == null || (r.get("replied_at") != null && replied == null) || rating == null
          || rating < 1 || rating > 5) {
        return null;
      }
      // A reply after the as-of date is not observed yet (SPEC 3: later events are ignored).
      Instant seenReply = replied != null && replied.isBefore(cutoff) ? replied : null;
      return new Candidate<>(id, created, new Review(id, r.get("customer_id"), r.get("order_id"), rating, created, seenReply));
    }));
  }

  private static Integer integer(String s) {
    BigDecimal d = decimal(s);
    if (d == null || d.stripTrailingZeros().scale() > 0) {
      return null;
    }
    try {
      return d.intValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static BigDecimal decimal(String s) {
    if (s == null) {
      return null;
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** ISO-8601 with an offset; without one, a local time in the source zone (UTC). */
  private static Instant isoInstant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static final DateTimeFormatter SURVEY_TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

  private static Instant utcInstant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(s, SURVEY_TS).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------- orders

  /** SPEC 3: cancelled lines count nowhere; gross = completed positive lines; refunds = negative or returned lines. */
  private void buildOrders() {
    Map<String, List<Line>> byOrder = lines.stream().filter(l -> !l.status().equals("cancelled"))
        .collect(Collectors.groupingBy(Line::orderId, TreeMap::new, Collectors.toList()));
    byOrder.forEach((id, ls) -> {
      Money gross = Money.ZERO;
      Money refund = Money.ZERO;
      boolean purchase = false;
      for (Line l : ls) {
        if (l.status().equals("completed") && l.quantity() > 0) {
          gross = gross.plus(l.amount());
          purchase = true;
        } else {
          refund = refund.plus(l.amount().abs());
        }
      }
      Instant ts = ls.stream().map(Line::ts).min(Instant::compareTo).orElseThrow();
      String customer = ls.stream().map(Line::customerId).min(String::compareTo).orElseThrow();
      String channel = ls.stream().map(Line::channel).filter(java.util.Objects::nonNull).min(String::compareTo).orElse(null);
      String country = ls.stream().map(Line::country).filter(java.util.Objects::nonNull).min(String::compareTo).orElse(null);
      orders.put(id, new Order(id, customer, ts, ts.atZone(ZONE).toLocalDate(), gross, refund, purchase, channel, country));
    });
  }

  static LocalDate month(LocalDate d) {
    return d.withDayOfMonth(1);
  }

  static LocalDate month(Instant t) {
    return month(t.atZone(ZONE).toLocalDate());
  }

  // ---------------------------------------------------------------------------------- customer_facts

  record CustomerFact(String customerId, long orders, long purchaseDays, Money gross, Money refund, Money net,
      Instant firstPurchaseTs, Instant lastPurchaseTs, LocalDate cohortMonth, int daysSinceLastPurchase,
      int tenureDays, long surveyResponses, long reviews, Double avgRating) {}

  /** The customer of a review: its own, else the customer of its order (SPEC 2 reviews). */
  String reviewCustomer(Review r) {
    if (r.customerId() != null) {
      return r.customerId();
    }
    Order o = r.orderId() == null ? null : orders.get(r.orderId());
    return o == null ? null : o.customerId();
  }

  Map<String, CustomerFact> customerFacts() {
    Map<String, List<Order>> byCustomer = orders.values().stream()
        .collect(Collectors.groupingBy(Order::customerId, TreeMap::new, Collectors.toList()));
    Map<String, Long> responses = surveys.stream().filter(s -> s.customerId() != null)
        .collect(Collectors.groupingBy(Survey::customerId, Collectors.counting()));
    Map<String, List<Integer>> ratings = new HashMap<>();
    for (Review r : reviews) {
      String c = reviewCustomer(r);
      if (c != null) {
        ratings.computeIfAbsent(c, k -> new ArrayList<>()).add(r.rating());
      }
    }
    Map<String, CustomerFact> out = new TreeMap<>();
    byCustomer.forEach((c, os) -> {
      List<Order> purchases = os.stream().filter(Order::purchase).toList();
      if (purchases.isEmpty()) {
        return; // SPEC 4: customer-grain tables hold customers with at least one purchase
      }
      Money gross = os.stream().map(Order::gross).reduce(Money.ZERO, Money::plus);
      Money refund = os.stream().map(Order::refund).reduce(Money.ZERO, Money::plus);
      Instant first = purchases.stream().map(Order::ts).min(Instant::compareTo).orElseThrow();
      Instant last = purchases.stream().map(Order::ts).max(Instant::compareTo).orElseThrow();
      LocalDate firstDay = first.atZone(ZONE).toLocalDate();
      LocalDate lastDay = last.atZone(ZONE).toLocalDate();
      long days = purchases.stream().map(Order::date).distinct().count();
      List<Integer> rs = ratings.getOrDefault(c, List.of());
      Double avg = rs.isEmpty() ? null : rs.stream().mapToInt(Integer::intValue).average().orElseThrow();
      out.put(c, new CustomerFact(c, purchases.size(), days, gross, refund, gross.minus(refund), first, last,
          month(firstDay), (int) ChronoUnit.DAYS.between(lastDay, asOf), (int) ChronoUnit.DAYS.between(firstDay, asOf),
          responses.getOrDefault(c, 0L), rs.size(), avg));
    });
    return out;
  }

  // ---------------------------------------------------------------------------------- retention_cohorts

  record CohortPeriod(LocalDate cohortMonth, int periodNumber, long cohortSize, long activeCustomers,
      double retentionRate, Money netRevenue) {}

  /** SPEC 5 cohorts in mode "on": active in period n = a purchase in calendar month cohort + n. */
  List<CohortPeriod> retentionCohorts() {
    Map<String, CustomerFact> facts = customerFacts();
    Map<LocalDate, List<String>> cohorts = facts.values().stream().collect(Collectors.groupingBy(
        CustomerFact::cohortMonth, TreeMap::new, Collectors.mapping(CustomerFact::customerId, Collectors.toList())));
    LocalDate asOfMonth = month(asOf);
    List<CohortPeriod> out = new ArrayList<>();
    cohorts.forEach((cohort, members) -> {
      Set<String> memberSet = new HashSet<>(members);
      int last = (int) ChronoUnit.MONTHS.between(cohort, asOfMonth);
      for (int n = 0; n <= last; n++) {
        LocalDate m = cohort.plusMonths(n);
        Set<String> active = new HashSet<>();
        Money net = Money.ZERO;
        for (Order o : orders.values()) {
          if (memberSet.contains(o.customerId()) && month(o.date()).equals(m)) {
            net = net.plus(o.net());
            if (o.purchase()) {
              active.add(o.customerId());
            }
          }
        }
        out.add(new CohortPeriod(cohort, n, members.size(), active.size(), (double) active.size() / members.size(), net));
      }
    });
    return out;
  }

  // ---------------------------------------------------------------------------------- churn_monthly

  record ChurnMonth(LocalDate month, long atStart, long newCustomers, long churned, long reactivated, long atEnd) {}

  /**
   * SPEC 5 churn: events counted per month from each customer's purchase days, and separately the
   * active population at each month end counted from its definition (first purchase on or before
   * the day, and day - latest purchase day on or before it <= threshold); the test checks both.
   */
  List<ChurnMonth> churnMonthly() {
    Map<String, TreeSet<LocalDate>> days = new TreeMap<>();
    for (Order o : orders.values()) {
      if (o.purchase()) {
        days.computeIfAbsent(o.customerId(), k -> new TreeSet<>()).add(o.date());
      }
    }
    Map<LocalDate, long[]> events = new TreeMap<>(); // new, churned, reactivated
    LocalDate firstMonth = null;
    for (TreeSet<LocalDate> ds : days.values()) {
      LocalDate first = ds.first();
      firstMonth = firstMonth == null || month(first).isBefore(firstMonth) ? month(first) : firstMonth;
      events.computeIfAbsent(month(first), k -> new long[3])[0]++;
      for (LocalDate d : ds) {
        LocalDate next = ds.higher(d);
        LocalDate churnDate = d.plusDays(CHURN_THRESHOLD_DAYS + 1L);
        if (next == null || next.isAfter(d.plusDays(CHURN_THRESHOLD_DAYS))) {
          if (!churnDate.isAfter(asOf)) {
            events.computeIfAbsent(month(churnDate), k -> new long[3])[1]++;
          }
          if (next != null) {
            events.computeIfAbsent(month(next), k -> new long[3])[2]++;
          }
        }
      }
    }
    List<ChurnMonth> out = new ArrayList<>();
    for (LocalDate m = firstMonth; !m.isAfter(month(asOf)); m = m.plusMonths(1)) {
      LocalDate end = m.plusMonths(1).minusDays(1);
      long atStart = activeAt(days, m.minusDays(1));
      long atEnd = activeAt(days, end.isAfter(asOf) ? asOf : end);
      long[] e = events.getOrDefault(m, new long[3]);
      out.add(new ChurnMonth(m, atStart, e[0], e[1], e[2], atEnd));
    }
    return out;
  }

  private static long activeAt(Map<String, TreeSet<LocalDate>> days, LocalDate day) {
    long n = 0;
    for (TreeSet<LocalDate> ds : days.values()) {
      LocalDate latest = ds.floor(day);
      if (latest != null && ChronoUnit.DAYS.between(latest, day) <= CHURN_THRESHOLD_DAYS) {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------------------------- voice

  record NpsMonth(LocalDate month, long responses, long promoters, long passives, long detractors, double nps,
      double margin) {}

  record CsatMonth(LocalDate month, long responses, long satisfied, double csat) {}

  record ReviewMonth(LocalDate month, long reviews, double avgRating, long[] ratingCounts, double replyRate) {}

  /** SPEC 5 NPS per reporting-zone month, anonymous responses included. */
  Map<LocalDate, NpsMonth> npsMonthly() {
    Map<LocalDate, List<Survey>> byMonth = surveys.stream().filter(s -> s.type().equals("nps"))
        .collect(Collectors.groupingBy(s -> month(s.at()), TreeMap::new, Collectors.toList()));
    Map<LocalDate, NpsMonth> out = new TreeMap<>();
    byMonth.forEach((m, ss) -> {
      long n = ss.size();
      long p = ss.stream().filter(s -> s.score() >= 9).count();
      long d = ss.stream().filter(s -> s.score() <= 6).count();
      double ps = (double) p / n;
      double ds = (double) d / n;
      out.put(m, new NpsMonth(m, n, p, n - p - d, d, 100.0 * (p - d) / n,
          1.96 * 100 * Math.sqrt((ps + ds - (ps - ds) * (ps - ds)) / n)));
    });
    return out;
  }

  /** SPEC 5 CSAT: the share scoring 4 or 5, x 100. */
  Map<LocalDate, CsatMonth> csatMonthly() {
    Map<LocalDate, List<Survey>> byMonth = surveys.stream().filter(s -> s.type().equals("csat"))
        .collect(Collectors.groupingBy(s -> month(s.at()), TreeMap::new, Collectors.toList()));
    Map<LocalDate, CsatMonth> out = new TreeMap<>();
    byMonth.forEach((m, ss) -> {
      long sat = ss.stream().filter(s -> s.score() >= 4).count();
      out.put(m, new CsatMonth(m, ss.size(), sat, 100.0 * sat / ss.size()));
    });
    return out;
  }

  Map<LocalDate, ReviewMonth> reviewMonthly() {
    Map<LocalDate, List<Review>> byMonth = reviews.stream()
        .collect(Collectors.groupingBy(r -> month(r.created()), TreeMap::new, Collectors.toList()));
    Map<LocalDate, ReviewMonth> out = new TreeMap<>();
    byMonth.forEach((m, rs) -> {
      long[] counts = new long[5];
      rs.forEach(r -> counts[r.rating() - 1]++);
      long replied = rs.stream().filter(r -> r.replied() != null).count();
      out.put(m, new ReviewMonth(m, rs.size(), rs.stream().mapToInt(Review::rating).average().orElseThrow(), counts,
          (double) replied / rs.size()));
    });
    return out;
  }

  // ---------------------------------------------------------------------------------- growth accounting

  /** A customer's purchase months, first purchase order (earliest ts, then order id) and orders. */
  record GrowthCustomer(String customerId, TreeSet<LocalDate> activeMonths, Order firstPurchase, List<Order> orders) {
    LocalDate cohortMonth() {
      return activeMonths.first();
    }

    boolean active(LocalDate m) {
      return activeMonths.contains(m);
    }

    /** SPEC 5 Lifecycle, word for word; null when none applies (inactive). */
    String status(LocalDate m) {
      LocalDate before = m.minusMonths(1);
      if (active(m) && m.equals(cohortMonth())) {
        return "new";
      } else if (active(m) && active(before)) {
        return "returning";
      } else if (active(m) && !active(before) && activeMonths.lower(before) != null) {
        return "resurrected";
      } else if (active(before) && !active(m)) {
        return "dormant";
      }
      return null;
    }

    Money net(LocalDate m) {
      return orders.stream().filter(o -> month(o.date()).equals(m)).map(Order::net).reduce(Money.ZERO, Money::plus);
    }
  }

  /** Every customer id with an order; those without a purchase have no active month and no first purchase. */
  Map<String, GrowthCustomer> growthCustomers() {
    Map<String, GrowthCustomer> out = new TreeMap<>();
    for (Order o : orders.values()) {
      GrowthCustomer c = out.computeIfAbsent(o.customerId(),
          k -> new GrowthCustomer(k, new TreeSet<>(), null, new ArrayList<>()));
      c.orders().add(o);
      if (o.purchase()) {
        c.activeMonths().add(month(o.date()));
        Order f = c.firstPurchase();
        if (f == null || o.ts().isBefore(f.ts()) || (o.ts().equals(f.ts()) && o.orderId().compareTo(f.orderId()) < 0)) {
          out.put(c.customerId(), new GrowthCustomer(c.customerId(), c.activeMonths(), o, c.orders()));
        }
      }
    }
    return out;
  }

  /** The months of the growth tables: first purchase month (of anyone) to the as-of month. */
  List<LocalDate> growthMonths(Map<String, GrowthCustomer> customers) {
    LocalDate first = customers.values().stream().filter(c -> c.firstPurchase() != null)
        .map(GrowthCustomer::cohortMonth).min(LocalDate::compareTo).orElseThrow();
    List<LocalDate> months = new ArrayList<>();
    for (LocalDate m = first; !m.isAfter(month(asOf)); m = m.plusMonths(1)) {
      months.add(m);
    }
    return months;
  }

  /** customer_lifecycle_monthly keyed "month|dimension|value" -> new, returning, resurrected, dormant. */
  Map<String, long[]> lifecycle() {
    Map<String, GrowthCustomer> customers = growthCustomers();
    List<String> statuses = List.of("new", "returning", "resurrected", "dormant");
    Map<String, long[]> out = new TreeMap<>();
    for (LocalDate m : growthMonths(customers)) {
      out.put(m + "|overall|null", new long[4]);
      for (GrowthCustomer c : customers.values()) {
        String status = c.firstPurchase() == null ? null : c.status(m);
        if (status == null) {
          continue;
        }
        int i = statuses.indexOf(status);
        String channel = c.firstPurchase().channel() == null ? "unknown" : c.firstPurchase().channel();
        String country = c.firstPurchase().country() == null ? "unknown" : c.firstPurchase().country();
        out.get(m + "|overall|null")[i]++;
        out.computeIfAbsent(m + "|acquisition_channel|" + channel, k -> new long[4])[i]++;
        out.computeIfAbsent(m + "|acquisition_country|" + country, k -> new long[4])[i]++;
      }
    }
    return out;
  }

  record BridgeMonth(LocalDate month, BigDecimal starting, BigDecimal[] buckets, BigDecimal ending, long expanding,
      long contracting) {}

  /** revenue_bridge_monthly: buckets new, resurrected, expansion, contraction, dormant, other. */
  List<BridgeMonth> revenueBridge() {
    Map<String, GrowthCustomer> customers = growthCustomers();
    List<BridgeMonth> out = new ArrayList<>();
    for (LocalDate m : growthMonths(customers)) {
      BigDecimal starting = BigDecimal.ZERO;
      BigDecimal[] b = new BigDecimal[6];
      Arrays.fill(b, BigDecimal.ZERO);
      long expanding = 0;
      long contracting = 0;
      for (GrowthCustomer c : customers.values()) {
        BigDecimal cur = c.net(m).amount();
        BigDecimal prev = c.net(m.minusMonths(1)).amount();
        boolean hasOrders = c.orders().stream().anyMatch(o -> month(o.date()).equals(m) || month(o.date()).equals(m.minusMonths(1)));
        if (!hasOrders) {
          continue;
        }
        starting = starting.add(prev);
        BigDecimal delta = cur.subtract(prev);
        String status = c.firstPurchase() == null ? null : c.status(m);
        int bucket;
        if ("new".equals(status)) {
          bucket = 0;
        } else if ("resurrected".equals(status)) {
          bucket = 1;
        } else if ("returning".equals(status)) {
          if (cur.compareTo(prev) > 0) {
            bucket = 2;
            expanding++;
          } else if (cur.compareTo(prev) < 0) {
            bucket = 3;
            contracting++;
          } else {
            continue; // no change: contributes 0
          }
        } else if ("dormant".equals(status)) {
          bucket = 4;
        } else {
          bucket = 5;
        }
        b[bucket] = b[bucket].add(delta);
      }
      BigDecimal ending = starting;
      for (BigDecimal x : b) {
        ending = ending.add(x);
      }
      out.add(new BridgeMonth(m, starting, b, ending, expanding, contracting));
    }
    return out;
  }

  record CustomerMonth(String customerId, LocalDate month, int periodNumber, long orders, BigDecimal net,
      BigDecimal cumulative, boolean active, String status, String channel, LocalDate cohortMonth) {}

  /** customer_monthly: customers with a purchase, cohort month to as-of month. */
  List<CustomerMonth> customerMonthly() {
    List<CustomerMonth> out = new ArrayList<>();
    for (GrowthCustomer c : growthCustomers().values()) {
      if (c.firstPurchase() == null) {
        continue;
      }
      String channel = c.firstPurchase().channel() == null ? "unknown" : c.firstPurchase().channel();
      for (LocalDate m = c.cohortMonth(); !m.isAfter(month(asOf)); m = m.plusMonths(1)) {
        LocalDate end = m;
        long purchases = c.orders().stream().filter(o -> o.purchase() && month(o.date()).equals(end)).count();
        BigDecimal cumulative = c.orders().stream().filter(o -> !month(o.date()).isAfter(end))
            .map(o -> o.net().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        String status = c.status(m);
        out.add(new CustomerMonth(c.customerId(), m, (int) ChronoUnit.MONTHS.between(c.cohortMonth(), m), purchases,
            c.net(m).amount(), cumulative, purchases > 0, status == null ? "inactive" : status, channel, c.cohortMonth()));
      }
    }
    return out;
  }
}
