package io.rapport.generate;

import io.rapport.generate.BadRowKind.Source;
import io.rapport.generate.DayPartitionedCsvWriter.DayFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Deterministic synthetic inputs for all three sources plus FX rates (SPEC section 7,
 * {@code rapport generate}).
 *
 * <p>Behaviour: customers arrive over the period at a rising rate (density growing linearly to
 * three times its initial value) and make their first purchase on arrival. Each then buys
 * following a BG/NBD process: a purchase rate per day drawn from Gamma(1.2, 24) (mean one order
 * in 20 days) and, after every purchase, a drop-out probability drawn from Beta(2, 12). Orders have 1-4
 * lines from 8 categories (a favourite category per customer), prices lognormal per product;
 * about 3% of orders are cancelled, about 6% of completed ones are followed by a separate return
 * order a few days after delivery. Survey scores and review ratings follow a latent satisfaction:
 * the customer's disposition, plus loyalty (orders so far), minus late delivery and returns;
 * about 60% of reviews get a reply, faster for low ratings.
 *
 * <p>Determinism: every customer draws from its own stream seeded from (seed, customer number),
 * customers are simulated in id order, each day file is sorted by time with ties in generation
 * order, and all arithmetic uses {@link StrictMath}. The same options give byte-identical files.
 *
 * <p>Bad rows ({@link BadRowKind}): each generated row is, with probability badRowRate and from a
 * separate stream (so the valid rows do not change with the rate), replaced by a broken copy, or
 * for duplicates written again in a later day's file; the kinds of a source are handed out in
 * turn so all appear once a source has as many bad rows as kinds.
 *
 * <p>Memory stays bounded: one customer's events at a time plus a capped write buffer (see
 * {@link DayPartitionedCsvWriter}).
 */
public final class SyntheticDataGenerator {
  public static final String PURCHASES_HEADER =
      "order_id,line_number,customer_id,order_ts,product_id,category,quantity,unit_price,currency,status,channel,country";
  public static final String SURVEYS_HEADER =
      "response_id,customer_id,responded_at,survey_type,score,comment,channel,touchpoint";
  public static final String REVIEWS_HEADER =
      "review_id,customer_id,order_id,product_id,category,rating,title,text,created_at,replied_at";
  public static final String FX_RATES_HEADER = "date,currency,rate";
  public static final String FX_RATES_FOLDER = "fx-rates";

  static final long MAX_MEMORY_CAP_BYTES = 64L << 20;
  static final long MIN_MEMORY_CAP_BYTES = 4L << 20;
  static final String SPILL_FOLDER = ".generate-spill";

  // BG/NBD-like behaviour (per day): lambda ~ Gamma(R, ALPHA), p ~ Beta(A, B).
  static final double RATE_SHAPE = 1.2;
  static final double RATE_RATE = 24.0;
  static final double DROPOUT_A = 2.0;
  static final double DROPOUT_B = 12.0;

  private static final String[] COUNTRIES = {"US", "GB", "DE", "FR"};
  private static final double[] COUNTRY_WEIGHTS = {0.45, 0.20, 0.20, 0.15};
  private static final ZoneId[] ZONES = {
    ZoneId.of("America/New_York"), ZoneId.of("Europe/London"), ZoneId.of("Europe/Berlin"), ZoneId.of("Europe/Paris")
  };
  private static final String[] CURRENCY_OF_COUNTRY = {"USD", "GBP", "EUR", "EUR"};
  private static final String[] CHANNELS = {"web", "app", "store"};
  private static final double[] CHANNEL_WEIGHTS = {0.5, 0.3, 0.2};
  private static final double[] HOUR_WEIGHTS = {
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 2.5, 2.8,
    3.2, 3.0, 2.6, 2.5, 2.6, 2.8, 3.2, 3.6, 3.8, 3.2, 2.0, 1.0
  };
  private static final double[] LINES_WEIGHTS = {0.45, 0.30, 0.15, 0.10};
  private static final double[] QUANTITY_WEIGHTS = {0.78, 0.15, 0.05, 0.015, 0.005};

  // Stream purposes, so no two uses of a seed share a sequence.
  private static final long STREAM_CUSTOMER = 1;
  private static final long STREAM_BAD_ROWS = 2;
  private static final long STREAM_FX = 3;
  private static final long STREAM_CATALOG = 4;

  private SyntheticDataGenerator() {}

  /**
   * Writes purchases, surveys, reviews (one folder per UTC day with rows) and fx-rates under
   * {@code options.out()}. Existing {@code purchases/}, {@code surveys/}, {@code reviews/} and
   * {@code fx-rates/} folders there are replaced; other files are left alone.
   */
  public static GenerationSummary generate(GeneratorOptions options) throws IOException {
    // A quarter of the heap, at most 64 MB: buffers may hold up to twice their content.
    long cap = Math.max(MIN_MEMORY_CAP_BYTES, Math.min(MAX_MEMORY_CAP_BYTES, Runtime.getRuntime().maxMemory() / 4));
    return generate(options, cap);
  }

  static GenerationSummary generate(GeneratorOptions options, long memoryCapBytes) throws IOException {
    Path out = options.out();
    Files.createDirectories(out);
    for (String folder : new String[] {"purchases", "surveys", "reviews", FX_RATES_FOLDER, SPILL_FOLDER}) {
      deleteTree(out.resolve(folder));
    }
    long fxRows = writeFxRates(options);
    Catalog catalog = Catalog.create(Distributions.stream(options.seed(), STREAM_CATALOG, 0));
    DayPartitionedCsvWriter writer = new DayPartitionedCsvWriter(
        out, out.resolve(SPILL_FOLDER), options.start(), options.end(), memoryCapBytes);
    Simulation simulation = new Simulation(options, catalog, writer);
    for (int i = 0; i < options.customers(); i++) {
      simulation.customer(i);
    }
    List<DayFile> files = writer.finish(new String[] {PURCHASES_HEADER + "\n", SURVEYS_HEADER + "\n", REVIEWS_HEADER + "\n"});

    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Map<String, Long>> bad = new LinkedHashMap<>();
    for (Source source : Source.values()) {
      rows.put(source.folder(), files.stream().filter(f -> f.source() == source).mapToLong(DayFile::rows).sum());
      Map<String, Long> kinds = new LinkedHashMap<>();
      for (BadRowKind kind : BadRowKind.of(source)) {
        kinds.put(kind.code(), simulation.badCounts[kind.ordinal()]);
      }
      bad.put(source.folder(), kinds);
    }
    LocalDate first = files.stream().map(DayFile::day).min(Comparator.naturalOrder()).orElse(null);
    LocalDate last = files.stream().map(DayFile::day).max(Comparator.naturalOrder()).orElse(null);
    return new GenerationSummary(out, options.customers(), options.seed(), options.badRowRate(), rows, bad,
        fxRows, files.size() + 1L, first, last, simulation.customersWithPurchases);
  }

  /** EUR and GBP in USD per unit for every day of the period: a mean-reverting log random walk. */
  private static long writeFxRates(GeneratorOptions options) throws IOException {
    SplittableRandom rnd = Distributions.stream(options.seed(), STREAM_FX, 0);
    String[] currencies = {"EUR", "GBP"};
    double[] anchor = {1.09, 1.27};
    double[] logRate = {StrictMath.log(anchor[0]), StrictMath.log(anchor[1])};
    Path file = options.out().resolve(FX_RATES_FOLDER).resolve("rates.csv");
    Files.createDirectories(file.getParent());
    long rows = 0;
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(FX_RATES_HEADER + "\n");
      for (LocalDate d = options.start(); !d.isAfter(options.end()); d = d.plusDays(1)) {
        for (int c = 0; c < currencies.length; c++) {
          double drift = -0.02 * (logRate[c] - StrictMath.log(anchor[c]));
          logRate[c] += drift + 0.0035 * Distributions.normal(rnd);
          w.write(d + "," + currencies[c] + "," + String.format(Locale.ROOT, "%.6f", StrictMath.exp(logRate[c])) + "\n");
          rows++;
        }
      }
    }
    return rows;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** Formats cents as a plain decimal with two places: 4199 -> 41.99, -99 -> -0.99. */
  static String money(long cents) {
    long abs = Math.abs(cents);
    long frac = abs % 100;
    return (cents < 0 ? "-" : "") + (abs / 100) + "." + (frac < 10 ? "0" : "") + frac;
  }

  /** {@code yyyy-MM-dd'T'HH:mm:ss+hh:mm}, the offset always numeric (never Z). */
  static String isoWithOffset(ZonedDateTime t) {
    StringBuilder s = new StringBuilder(25);
    appendDateTime(s, t.toLocalDateTime(), 'T');
    int offset = t.getOffset().getTotalSeconds();
    s.append(offset < 0 ? '-' : '+');
    offset = Math.abs(offset);
    pad2(s, offset / 3600).append(':');
    pad2(s, (offset / 60) % 60);
    return s.toString();
  }

  /** {@code yyyy-MM-dd HH:mm:ss} in UTC. */
  static String utcText(long epochSecond) {
    StringBuilder s = new StringBuilder(19);
    appendDateTime(s, LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC), ' ');
    return s.toString();
  }

  private static void appendDateTime(StringBuilder s, LocalDateTime t, char separator) {
    s.append(t.getYear()).append('-');
    pad2(s, t.getMonthValue()).append('-');
    pad2(s, t.getDayOfMonth()).append(separator);
    pad2(s, t.getHour()).append(':');
    pad2(s, t.getMinute()).append(':');
    pad2(s, t.getSecond());
  }

  private static StringBuilder pad2(StringBuilder s, int v) {
    return s.append(v < 10 ? "0" : "").append(v);
  }

  /** {@code 2024-03-01T09:15:00+01:00} or {@code 2024-03-01 09:15:00} -> {@code 01/03/2024 09:15}. */
  static String unparseable(String timestamp) {
    return timestamp.substring(8, 10) + "/" + timestamp.substring(5, 7) + "/" + timestamp.substring(0, 4)
        + " " + timestamp.substring(11, 16);
  }

  /** An opaque, unique id: a bijective mix of (kind, customer, sequence) under the seed. */
  static String opaqueId(String prefix, long salt, int kind, int customer, int sequence) {
    long key = ((long) kind << 56) | ((long) customer << 20) | sequence;
    String hex = Long.toHexString(Distributions.mix64(key ^ salt)).toUpperCase(Locale.ROOT);
    return prefix + "0".repeat(16 - hex.length()) + hex;
  }

  /** One customer's simulation state and the shared counters; customers run one after another. */
  private static final class Simulation {
    private final GeneratorOptions options;
    private final Catalog catalog;
    private final DayPartitionedCsvWriter writer;
    private final int periodDays;
    private final long idSalt;
    private final int idWidth;
    private final long endEpochSecond;
    final long[] badCounts = new long[BadRowKind.values().length];
    private final long[] badTurns = new long[Source.values().length];
    private final List<List<BadRowKind>> kindsBySource =
        Stream.of(Source.values()).map(BadRowKind::of).toList();
    long customersWithPurchases;

    // Current customer.
    private SplittableRandom rnd;
    private SplittableRandom badRnd;
    private int number;
    private String customerId;
    private int country;
    private ZoneId zone;
    private String currency;
    private int preferredChannel;
    private int favouriteCategory;
    private double disposition;
    private int surveySeq;
    private int reviewSeq;
    private boolean hasPurchaseRow;

    Simulation(GeneratorOptions options, Catalog catalog, DayPartitionedCsvWriter writer) {
      this.options = options;
      this.catalog = catalog;
      this.writer = writer;
      this.periodDays = (int) (options.end().toEpochDay() - options.start().toEpochDay() + 1);
      this.idSalt = Distributions.mix64(options.seed() * 31 + 7);
      this.idWidth = Math.max(7, Integer.toString(options.customers()).length());
      this.endEpochSecond = options.end().plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }

    void customer(int index) throws IOException {
      rnd = Distributions.stream(options.seed(), STREAM_CUSTOMER, index);
      badRnd = Distributions.stream(options.seed(), STREAM_BAD_ROWS, index);
      number = index + 1;
      String digits = Integer.toString(number);
      customerId = "C" + "0".repeat(Math.max(0, idWidth - digits.length())) + digits;
      country = Distributions.weighted(rnd, COUNTRY_WEIGHTS);
      zone = ZONES[country];
      currency = CURRENCY_OF_COUNTRY[country];
      preferredChannel = Distributions.weighted(rnd, CHANNEL_WEIGHTS);
      favouriteCategory = Distributions.weighted(rnd, Catalog.POPULARITY);
      disposition = 0.8 * Distributions.normal(rnd);
      double lambda = Distributions.gamma(rnd, RATE_SHAPE, RATE_RATE);
      double dropout = Distributions.beta(rnd, DROPOUT_A, DROPOUT_B);
      surveySeq = 0;
      reviewSeq = 0;
      hasPurchaseRow = false;

      // Stratified arrival so ids follow sign-up order; density 1 + 2x on [0, 1] (CDF (x + x^2) / 2).
      double u = (index + rnd.nextDouble()) / options.customers();
      double x = (-1.0 + StrictMath.sqrt(1.0 + 8.0 * u)) / 2.0;
      double t = x * periodDays;
      for (int order = 0; order < 1000; order++) {
        order(order, (int) t);
        if (Distributions.chance(rnd, dropout)) {
          break;
        }
        t += Distributions.exponential(rnd, lambda);
        if (t >= periodDays) {
          break;
        }
      }
      if (hasPurchaseRow) {
        customersWithPurchases++;
      }
    }

    private void order(int seq, int dayOffset) throws IOException {
      LocalDate localDate = options.start().plusDays(dayOffset);
      int channel = Distributions.chance(rnd, 0.75) ? preferredChannel : rnd.nextInt(CHANNELS.length);
      int hour = CHANNELS[channel].equals("store") ? 9 + rnd.nextInt(11) : Distributions.weighted(rnd, HOUR_WEIGHTS);
      ZonedDateTime orderTime = LocalDateTime.of(localDate, LocalTime.of(hour, rnd.nextInt(60), rnd.nextInt(60))).atZone(zone);
      boolean cancelled = Distributions.chance(rnd, 0.03);
      int lineCount = 1 + Distributions.weighted(rnd, LINES_WEIGHTS);
      int[] products = new int[lineCount];
      int[] quantities = new int[lineCount];
      for (int line = 0; line < lineCount; line++) {
        int category = Distributions.chance(rnd, 0.5) ? favouriteCategory : Distributions.weighted(rnd, Catalog.POPULARITY);
        products[line] = catalog.pick(rnd, category);
        for (int earlier = 0; earlier < line; earlier++) {
          if (products[earlier] == products[line]) {
            products[line] = (products[line] + 1) % catalog.size(); // keep products distinct in an order
            earlier = -1;
          }
        }
        quantities[line] = 1 + Distributions.weighted(rnd, QUANTITY_WEIGHTS);
      }
      boolean store = CHANNELS[channel].equals("store");
      boolean late = !store && Distributions.chance(rnd, 0.10);
      long orderSecond = orderTime.toEpochSecond();
      long delivered = store ? orderSecond
          : orderSecond + (1 + rnd.nextInt(4) + (late ? 3 + rnd.nextInt(6) : 0)) * 86_400L + rnd.nextInt(8 * 3600);
      boolean returned = !cancelled && Distributions.chance(rnd, late ? 0.13 : 0.06);
      int returnedLine = rnd.nextInt(lineCount);
      boolean returnAllUnits = Distributions.chance(rnd, 0.5);
      boolean surveyed = !cancelled && Distributions.chance(rnd, 0.30);
      boolean reviewed = !cancelled && Distributions.chance(rnd, returned ? 0.30 : 0.14);

      String orderId = opaqueId("ORD-", idSalt, 1, number, seq);
      String status = cancelled ? "cancelled" : "completed";
      String orderTs = isoWithOffset(orderTime);
      for (int line = 0; line < lineCount; line++) {
        purchaseRow(orderId, line + 1, orderTs, orderSecond, products[line], quantities[line], status, channel);
      }
      long returnSecond = -1;
      if (returned) {
        int hourBack = 9 + rnd.nextInt(12);
        ZonedDateTime back = Instant.ofEpochSecond(delivered).atZone(zone).toLocalDate()
            .plusDays(2 + rnd.nextInt(13)).atTime(hourBack, rnd.nextInt(60), rnd.nextInt(60)).atZone(zone);
        returnSecond = back.toEpochSecond();
        int units = returnAllUnits ? quantities[returnedLine] : 1;
        purchaseRow(opaqueId("RET-", idSalt, 2, number, seq), 1, isoWithOffset(back), returnSecond,
            products[returnedLine], -units, "returned", channel);
      }
      if (surveyed) {
        survey(seq, channel, orderSecond, delivered, late, -1);
      }
      if (returned && Distributions.chance(rnd, 0.4)) {
        survey(seq, channel, orderSecond, delivered, late, returnSecond);
      }
      if (reviewed) {
        int line = returned ? returnedLine : rnd.nextInt(lineCount);
        review(seq, orderId, products[line], delivered, late, returned && line == returnedLine);
      }
    }

    private void purchaseRow(String orderId, int line, String ts, long epochSecond, int product, int quantity,
        String status, int channel) throws IOException {
      String[] fields = {
        orderId, Integer.toString(line), customerId, ts, catalog.productId(product), catalog.category(product),
        Integer.toString(quantity), money(catalog.priceCents(product, currency)), currency, status,
        CHANNELS[channel], COUNTRIES[country]
      };
      if (emit(Source.PURCHASES, epochSecond, fields) && status.equals("completed") && quantity > 0) {
        hasPurchaseRow = true;
      }
    }

    /** A response about an order; returnSecond >= 0 makes it a support survey after that return. */
    private void survey(int orderSeq, int channel, long orderSecond, long delivered, boolean late, long returnSecond)
        throws IOException {
      boolean afterReturn = returnSecond >= 0;
      String touchpoint;
      long at;
      if (afterReturn) {
        touchpoint = "support";
        at = returnSecond + 3600L + rnd.nextInt(5 * 86_400);
      } else {
        double which = rnd.nextDouble();
        touchpoint = which < 0.35 ? "checkout" : which < 0.85 ? "delivery" : "support";
        at = switch (touchpoint) {
          case "checkout" -> orderSecond + 120 + rnd.nextInt(3 * 3600);
          case "delivery" -> delivered + 3600 + rnd.nextInt(72 * 3600);
          default -> delivered + 86_400L + rnd.nextInt(10 * 86_400);
        };
      }
      boolean nps = Distributions.chance(rnd, switch (touchpoint) {
        case "checkout" -> 0.4;
        case "delivery" -> 0.65;
        default -> 0.5;
      });
      double latent = disposition + Math.min(0.8, 0.12 * orderSeq)
          - (late && !touchpoint.equals("checkout") ? 1.3 : 0.0)
          - (afterReturn ? 1.0 : 0.0)
          + 0.7 * Distributions.normal(rnd);
      int score = nps ? clamp((int) StrictMath.round(7.8 + 1.5 * latent), 0, 10)
          : clamp((int) StrictMath.round(3.9 + 0.9 * latent), 1, 5);
      double satisfaction = nps ? score / 10.0 : (score - 1) / 4.0;
      String comment = TextPools.comment(rnd, satisfaction);
      boolean anonymous = Distributions.chance(rnd, 0.12);
      String responseId = opaqueId("RSP-", idSalt, 3, number, surveySeq++);
      String[] fields = {
        responseId, anonymous ? "" : customerId, utcText(at), nps ? "nps" : "csat", Integer.toString(score),
        comment, CHANNELS[channel], touchpoint
      };
      emit(Source.SURVEYS, at, fields);
    }

    private void review(int orderSeq, String orderId, int product, long delivered, boolean late, boolean returnedProduct)
        throws IOException {
      long created = delivered + 86_400L + rnd.nextInt(20 * 86_400);
      double latent = disposition + Math.min(0.6, 0.1 * orderSeq) + catalog.quality(product)
          - (returnedProduct ? 1.6 : 0.0) - (late ? 0.8 : 0.0) + 0.7 * Distributions.normal(rnd);
      int rating = clamp((int) StrictMath.round(4.0 + latent), 1, 5);
      String title = TextPools.title(rnd, rating);
      String text = TextPools.text(rnd, rating);
      double replyChance = rating <= 2 ? 0.82 : rating == 3 ? 0.62 : 0.52;
      double medianHours = rating <= 2 ? 5 : rating == 3 ? 16 : 36;
      String repliedAt = "";
      if (Distributions.chance(rnd, replyChance)) {
        long replied = created + 300 + (long) (3600 * Distributions.lognormal(rnd, medianHours, 0.9));
        if (replied < endEpochSecond) {
          repliedAt = utcText(replied); // a reply after the period has not happened yet
        }
      }
      boolean guest = Distributions.chance(rnd, 0.15);
      String[] fields = {
        opaqueId("REV-", idSalt, 4, number, reviewSeq++), guest ? "" : customerId, orderId,
        catalog.productId(product), catalog.category(product), Integer.toString(rating), title, text,
        utcText(created), repliedAt
      };
      emit(Source.REVIEWS, created, fields);
    }

    /**
     * Writes one row into the file of its UTC day, possibly as a bad row; rows outside the period
     * are dropped. Returns whether the row was written intact (duplicates included).
     */
    private boolean emit(Source source, long epochSecond, String[] fields) throws IOException {
      LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
      if (day.isBefore(options.start()) || day.isAfter(options.end())) {
        return false;
      }
      if (badRnd.nextDouble() >= options.badRowRate()) {
        writer.add(source, day, epochSecond, Csv.record(fields));
        return true;
      }
      List<BadRowKind> kinds = kindsBySource.get(source.ordinal());
      BadRowKind kind = kinds.get((int) (badTurns[source.ordinal()]++ % kinds.size()));
      badCounts[kind.ordinal()]++;
      if (kind.isDuplicate()) {
        String record = Csv.record(fields);
        writer.add(source, day, epochSecond, record);
        LocalDate later = day.plusDays(1 + badRnd.nextInt(3));
        writer.add(source, later.isAfter(options.end()) ? options.end() : later, epochSecond, record);
        return true;
      }
      String[] broken = fields.clone();
      switch (kind) {
        case MISSING_CUSTOMER_ID -> broken[2] = "";
        case PURCHASE_UNPARSEABLE_TIMESTAMP -> broken[3] = unparseable(broken[3]);
        case ZERO_QUANTITY -> broken[6] = "0";
        case NON_INTEGER_QUANTITY -> broken[6] = broken[6] + ".5";
        case NEGATIVE_PRICE -> broken[7] = "-" + broken[7];
        case UNKNOWN_CURRENCY -> broken[8] = "XYZ";
        case UNKNOWN_STATUS -> broken[9] = "on_hold";
        case MISSING_RESPONSE_ID -> broken[0] = "";
        case SURVEY_UNPARSEABLE_TIMESTAMP -> broken[2] = unparseable(broken[2]);
        case SCORE_OUT_OF_RANGE -> broken[4] = broken[3].equals("nps") ? "11" : "0";
        case MISSING_REVIEW_ID -> broken[0] = "";
        case REVIEW_UNPARSEABLE_TIMESTAMP -> broken[8] = unparseable(broken[8]);
        case RATING_OUT_OF_RANGE -> broken[5] = "6";
        default -> throw new IllegalStateException("Unhandled bad-row kind " + kind);
      }
      writer.add(source, day, epochSecond, Csv.record(broken));
      return false;
    }

    private static int clamp(int v, int low, int high) {
      return Math.max(low, Math.min(high, v));
    }
  }
}
