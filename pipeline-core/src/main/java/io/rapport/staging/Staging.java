package io.rapport.staging;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.RapportSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.errors.DataQualityException;
import io.rapport.errors.InputContractException;
import io.rapport.schema.StagedSchemas;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingestion contract of SPEC section 2: reads a source's export as mapped by the configuration,
 * validates every row, quarantines rejects, cuts at the as-of date and de-duplicates, with counts
 * that reconcile exactly ({@code read = accepted + rejected + duplicates + afterAsOf}).
 *
 * <p>Order of decisions for each row read: (1) rejected by the first failing rule
 * ({@link RejectReason}); else (2) after the as-of date: event time at or after the start of the
 * next day in the reporting zone; else (3) duplicate: an earlier copy of a natural key (purchases:
 * order_id + line_number when line_number is mapped or present, else the whole canonical row;
 * surveys: response_id; reviews: review_id), where the copy in the last file (by path), and within
 * it the last row, wins; else (4) accepted.
 *
 * <p>Contract errors are raised before any Spark job over the data: a required source whose path
 * matches nothing, or a file lacking a mapped or required column ({@link InputContractException},
 * exit 2). Bad configuration raises {@link ConfigurationException} (exit 2); a reject rate above
 * {@code max-reject-rate} raises {@link DataQualityException} (exit 3). Purchases are always
 * required; surveys and reviews are optional unless {@code required: true}.
 */
public final class Staging {
  private Staging() {}

  private static final String DISPOSITION = "_disposition";
  private static final String ACCEPTED = "accepted";
  private static final String REJECTED = "rejected";
  private static final String DUPLICATE = "duplicate";
  private static final String AFTER_AS_OF = "after_as_of";

  /**
   * Stages one source for one as-of date.
   *
   * @param asOf the as-of date (reporting zone); null means no cut (every valid event is kept)
   */
  public static StagingResult stage(SparkSession spark, SourceName source, RapportSettings settings, LocalDate asOf) {
    ZoneId zone = reportingZone(settings);
    Timestamp cutoff = asOf == null ? null : Timestamp.from(asOf.plusDays(1).atStartOfDay(zone).toInstant());
    Prepared p = prepare(spark, source, settings, true);
    if (p.raw == null) {
      return empty(spark, source, p.files);
    }
    try {
      describe(spark, "staging " + source.id() + ": validate, cut at " + asOf + ", de-duplicate");
      Validated v = validate(spark, source, settings, p, cutoff);
      Dataset<Row> classified = classify(v, cutoff).persist(StorageLevel.MEMORY_AND_DISK());
      long read = p.raw.count();
      Map<String, Long> byDisposition = new TreeMap<>();
      Map<String, Long> byReason = new TreeMap<>();
      for (Row r : classified.groupBy(DISPOSITION, Rules.REASON_CODE).count().collectAsList()) {
        byDisposition.merge(r.getString(0), r.getLong(2), Long::sum);
        if (r.getString(0).equals(REJECTED)) {
          byReason.put(r.getString(1), r.getLong(2));
        }
      }
      SourceCounts counts = new SourceCounts(read, byDisposition.getOrDefault(ACCEPTED, 0L),
          byDisposition.getOrDefault(REJECTED, 0L), byDisposition.getOrDefault(DUPLICATE, 0L),
          byDisposition.getOrDefault(AFTER_AS_OF, 0L), byReason);

      Dataset<Row> accepted = Rules.conform(classified.filter(col(DISPOSITION).equalTo(ACCEPTED)), source.schema(),
          v.output()).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> rejects = rejectsOf(classified.filter(col(DISPOSITION).equalTo(REJECTED)), source)
          .persist(StorageLevel.MEMORY_AND_DISK());
      // Materialise both from the classified cache, and cross-check the counts while at it.
      if (accepted.count() != counts.accepted() || rejects.count() != counts.rejected()) {
        throw new IllegalStateException("Staged frames of " + source.id() + " do not match their counts: " + counts.summary());
      }
      classified.unpersist(false);
      double limit = p.contract.settings.maxRejectRate();
      if (counts.rejectRate() > limit) {
        accepted.unpersist(false);
        rejects.unpersist(false);
        throw new DataQualityException(String.format(
            "Too many rejected %s rows: %d of %d (%.2f%%) exceed %s.max-reject-rate %.2f%%; top reasons: %s (%s)",
            source.id(), counts.rejected(), counts.read(), 100 * counts.rejectRate(), p.contract.key, 100 * limit,
            counts.topReasons(5), counts.summary()));
      }
      return new StagingResult(source, accepted, rejects, counts, p.files);
    } finally {
      p.raw.unpersist(false);
      describe(spark, null);
    }
  }

  /**
   * The last purchase date (reporting zone) among valid purchase rows in the inputs: the default
   * as-of date when none is given. Empty when no purchase row is valid.
   */
  public static Optional<LocalDate> latestEventDate(SparkSession spark, RapportSettings settings) {
    ZoneId zone = reportingZone(settings);
    Prepared p = prepare(spark, SourceName.PURCHASES, settings, true);
    if (p.raw == null) {
      return Optional.empty();
    }
    try {
      describe(spark, "staging purchases: latest event date");
      Validated v = validate(spark, SourceName.PURCHASES, settings, p, null);
      Row r = v.frame().filter(col(Rules.REASON_CODE).isNull()).agg(max(v.eventTs())).first();
      return r.isNullAt(0) ? Optional.empty()
          : Optional.of(r.getTimestamp(0).toInstant().atZone(zone).toLocalDate());
    } finally {
      p.raw.unpersist(false);
      describe(spark, null);
    }
  }

  /**
   * What a run would read from one source, for {@code rapport validate}: files, columns found and
   * missing per file, and up to {@code sampleRejects} rows that would be rejected (read from the
   * files that have all their columns). Missing inputs and columns are reported, not thrown;
   * configuration errors still throw {@link ConfigurationException}.
   */
  public static SourceInspection inspect(SparkSession spark, SourceName source, RapportSettings settings,
      int sampleRejects) {
    reportingZone(settings);
    RapportSettings.Source s = source.settings(settings);
    boolean required = source.isRequired(s);
    if (s == null || s.path() == null || s.path().isBlank()) {
      List<String> problems = required
          ? List.of("sources." + source.id() + ".path is not set; " + source.id() + " are required")
          : List.of();
      return new SourceInspection(source, null, s == null ? null : s.format().id(), required, List.of(), problems,
          0, Map.of(), List.of());
    }
    Prepared p = prepare(spark, source, settings, false);
    List<String> problems = new ArrayList<>();
    if (p.files.isEmpty()) {
      problems.add("path " + s.path() + " matches no file" + (required ? "; " + source.id() + " are required" : ""));
    }
    List<SourceInspection.FileCheck> checks = new ArrayList<>();
    for (SourceReader.FileLayout l : p.layouts) {
      Map<String, String> missing = p.missing.getOrDefault(l.file(), Map.of());
      if (!missing.isEmpty()) {
        problems.add(p.contract.missingMessage(l.file(), missing, l.columns()));
      }
      checks.add(new SourceInspection.FileCheck(l.file(), l.empty(), l.columns(), mapping(p.contract, l), missing));
    }
    if (p.raw == null) {
      return new SourceInspection(source, s.path(), s.format().id(), required, checks, problems, 0, Map.of(), List.of());
    }
    try {
      describe(spark, "validate " + source.id());
      Validated v = validate(spark, source, settings, p, null);
      Dataset<Row> rejected = v.frame().filter(col(Rules.REASON_CODE).isNotNull());
      long read = p.raw.count();
      Map<String, Long> byReason = new TreeMap<>();
      for (Row r : rejected.groupBy(Rules.REASON_CODE).count().collectAsList()) {
        byReason.put(r.getString(0), r.getLong(1));
      }
      List<SourceInspection.RejectSample> samples = new ArrayList<>();
      if (sampleRejects > 0) {
        for (Row r : rejected.orderBy(SourceReader.FILE, SourceReader.ORDER)
            .select(SourceReader.FILE, Rules.REASON_CODE, Rules.REASON_DETAIL, Rules.RAW_RECORD)
            .limit(sampleRejects).collectAsList()) {
          samples.add(new SourceInspection.RejectSample(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
        }
      }
      return new SourceInspection(source, s.path(), s.format().id(), required, checks, problems, read, byReason, samples);
    } finally {
      p.raw.unpersist(false);
      describe(spark, null);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A source's configuration, files and (when there are rows) its persisted raw frame. */
  private record Prepared(SourceContract contract, List<String> files, List<SourceReader.FileLayout> layouts,
      Map<String, Map<String, String>> missing, List<String> exportColumns, Dataset<Row> raw) {}

  private static Prepared prepare(SparkSession spark, SourceName source, RapportSettings settings, boolean strict) {
    RapportSettings.Source s = source.settings(settings);
    boolean required = source.isRequired(s);
    if (s == null || s.path() == null || s.path().isBlank()) {
      if (required) {
        throw new InputContractException("Cannot read " + source.id() + ": sources." + source.id()
            + ".path is not set (" + source.id() + " are required)");
      }
      return new Prepared(null, List.of(), List.of(), Map.of(), List.of(), null);
    }
    SourceContract contract = SourceContract.of(source, s);
    List<String> files = InputFiles.resolve(source.id(), s.path(), spark.sparkContext().hadoopConfiguration());
    if (files.isEmpty()) {
      if (required && strict) {
        throw new InputContractException("Cannot read " + source.id() + ": path " + s.path() + " matches no file");
      }
      return new Prepared(contract, files, List.of(), Map.of(), List.of(), null);
    }
    describe(spark, "staging " + source.id() + ": read headers");
    List<SourceReader.FileLayout> layouts = SourceReader.layouts(spark, contract, files);
    Map<String, Map<String, String>> missingByFile = new LinkedHashMap<>();
    List<SourceReader.FileLayout> readable = new ArrayList<>();
    for (SourceReader.FileLayout l : layouts) {
      if (l.empty()) {
        continue;
      }
      Set<String> seen = new HashSet<>();
      for (String c : l.columns()) {
        if (!seen.add(c.toLowerCase(java.util.Locale.ROOT))) {
          throw new InputContractException("Cannot read " + source.id() + " from " + l.file() + ": column " + c
              + " appears twice in the header (present: " + String.join(", ", l.columns()) + ")");
        }
      }
      Map<String, String> missing = l.onlyCorrupt() ? Map.of() : contract.missingColumns(spark, l.columns());
      if (!missing.isEmpty()) {
        if (strict) {
          throw new InputContractException(contract.missingMessage(l.file(), missing, l.columns()));
        }
        missingByFile.put(l.file(), missing);
      } else {
        readable.add(l);
      }
    }
    describe(spark, "staging " + source.id() + ": read " + files.size() + " files");
    Dataset<Row> raw = SourceReader.read(spark, contract, readable);
    if (raw != null) {
      // Persist before splitting good from bad rows: Spark refuses, or miscounts, queries over an
      // uncached read that touch only _corrupt_record.
      raw = raw.persist(StorageLevel.MEMORY_AND_DISK());
    }
    return new Prepared(contract, files, layouts, missingByFile, SourceReader.exportColumns(readable), raw);
  }

  private static Validated validate(SparkSession spark, SourceName source, RapportSettings settings, Prepared p,
      Timestamp cutoff) {
    List<Column> cols = new ArrayList<>();
    cols.add(col(SourceReader.FILE));
    cols.add(col(SourceReader.ORDER));
    cols.add(col(SourceReader.CORRUPT));
    List<Column> exportCols = new ArrayList<>();
    for (String c : p.exportColumns) {
      exportCols.add(col(SourceContract.quote(c)));
    }
    Column asJson = exportCols.isEmpty() ? lit(null).cast(DataTypes.StringType)
        : to_json(struct(exportCols.toArray(Column[]::new)), Map.of("ignoreNullFields", "false"));
    cols.add(coalesce(col(SourceReader.CORRUPT), asJson).as(Rules.RAW_RECORD));
    cols.addAll(p.contract.canonicalValues(p.exportColumns));
    Dataset<Row> canonical;
    try {
      canonical = p.raw.select(cols.toArray(Column[]::new));
    } catch (Exception e) {
      throw new ConfigurationException("Invalid " + p.contract.key + ".expressions: " + SourceContract.firstLine(e.getMessage()), e);
    }
    String format = p.contract.settings.format().id();
    return switch (source) {
      case PURCHASES -> {
        String reportingCurrency = settings.reporting().currency();
        String defaultCurrency = p.contract.settings.defaults().get(StagedSchemas.CURRENCY);
        boolean lineNumber = p.contract.settings.expressions().containsKey(StagedSchemas.LINE_NUMBER)
            || p.contract.settings.defaults().containsKey(StagedSchemas.LINE_NUMBER)
            || SourceContract.find(p.exportColumns, p.contract.settings.sourceColumn(StagedSchemas.LINE_NUMBER)).isPresent();
        yield PurchasesStaging.validate(canonical, p.contract.timestamps, reportingCurrency,
            settings.reporting().timeZone(), defaultCurrency == null ? null : defaultCurrency.trim(),
            FxRates.ranges(spark, settings), lineNumber, format);
      }
      case SURVEYS -> SurveysStaging.validate(canonical, p.contract.timestamps, format);
      case REVIEWS -> ReviewsStaging.validate(canonical, p.contract.timestamps, format, cutoff);
    };
  }

  /** Adds {@link #DISPOSITION}: rejected, after_as_of, duplicate or accepted (see the class comment). */
  static Dataset<Row> classify(Validated v, Timestamp cutoff) {
    Column rejected = col(Rules.REASON_CODE).isNotNull();
    Column late = cutoff == null ? lit(false) : coalesce(v.eventTs().geq(lit(cutoff)), lit(false));
    Column candidate = rejected.unary_$bang().and(late.unary_$bang());
    List<Column> partition = new ArrayList<>();
    partition.add(candidate);
    partition.addAll(v.naturalKey());
    Column rank = row_number().over(Window.partitionBy(partition.toArray(Column[]::new))
        .orderBy(col(SourceReader.FILE).desc(), col(SourceReader.ORDER).desc()));
    return v.frame().withColumn(DISPOSITION,
        when(rejected, lit(REJECTED)).when(late, lit(AFTER_AS_OF)).when(rank.gt(1), lit(DUPLICATE)).otherwise(lit(ACCEPTED)));
  }

  private static Dataset<Row> rejectsOf(Dataset<Row> rejected, SourceName source) {
    Map<String, Column> values = new LinkedHashMap<>();
    values.put(StagedSchemas.SOURCE, lit(source.id()));
    values.put(StagedSchemas.SOURCE_FILE, col(SourceReader.FILE));
    values.put(StagedSchemas.REASON_CODE, col(Rules.REASON_CODE));
    values.put(StagedSchemas.REASON_DETAIL, col(Rules.REASON_DETAIL));
    values.put(StagedSchemas.RAW_RECORD, col(Rules.RAW_RECORD));
    return Rules.conform(rejected, Rejects.TABLE.schema(), values);
  }

  private static StagingResult empty(SparkSession spark, SourceName source, List<String> files) {
    Dataset<Row> accepted = spark.createDataFrame(List.of(), source.schema());
    Dataset<Row> rejects = spark.createDataFrame(List.of(), Rejects.TABLE.schema());
    return new StagingResult(source, accepted, rejects, SourceCounts.empty(), files);
  }

  private static Map<String, String> mapping(SourceContract contract, SourceReader.FileLayout layout) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String c : contract.canonical) {
      String e = contract.settings.expressions().get(c);
      String d = contract.settings.defaults().get(c);
      Optional<String> found = SourceContract.find(layout.columns(), contract.settings.sourceColumn(c));
      if (e != null) {
        m.put(c, "expression " + e);
      } else if (found.isPresent()) {
        m.put(c, "column " + found.get() + (d == null ? "" : " (default '" + d + "')"));
      } else if (d != null) {
        m.put(c, "default '" + d + "'");
      }
    }
    return m;
  }

  static ZoneId reportingZone(RapportSettings settings) {
    return settings.reporting().timeZone();
  }

  private static void describe(SparkSession spark, String description) {
    spark.sparkContext().setJobDescription(description);
  }
}
