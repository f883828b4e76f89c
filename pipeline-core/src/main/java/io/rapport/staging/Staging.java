package io.rapport.staging;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.RapportSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.errors.DataQualityException;
import io.rapport.errors.InputContractException;
import io.rapport.schema.StagedSchemas;
import io.rapport.warehouse.TableIo;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Staging.class);
  private Staging() {}

  static final String DISPOSITION = "_disposition";
  private static final String ACCEPTED = "accepted";
  private static final String REJECTED = "rejected";
  private static final String DUPLICATE = "duplicate";
  private static final String AFTER_AS_OF = "after_as_of";

  /** Staged-history columns besides the staged schema's own (see {@link #stagedSchema}). */
  static final String EVENT_TS = "_event_ts";
  static final String DAY = SourceReader.DAY;
  static final String ROUNDED = "_price_rounded";
  private static final String URI = "_uri";
  static final String RANK = "_file_rank";

  /**
   * Stages one source for one as-of date from scratch, in a temporary staged history (tests and
   * {@code rapport validate-clv}; a run uses {@link #stage(SparkSession, SourceName, RapportSettings, LocalDate, Path, Path)}).
   *
   * @param asOf the as-of date (reporting zone); null means no cut (every valid event is kept)
   */
  public static StagingResult stage(SparkSession spark, SourceName source, RapportSettings settings, LocalDate asOf) {
    Path tmp = scratchFolder(spark);
    return stage(spark, source, settings, asOf, new Path(tmp, "_staged"), new Path(tmp, "cut"));
  }

  /**
   * Stages one source for one as-of date: stages the files that are new or changed since the
   * last run into the staged history under {@code stagedRoot}, then cuts and de-duplicates the
   * whole history. The accepted rows and rejects are written once under {@code cutFolder}, and
   * the returned frames read them.
   */
  public static StagingResult stage(SparkSession spark, SourceName source, RapportSettings settings, LocalDate asOf,
      Path stagedRoot, Path cutFolder) {
    ZoneId zone = reportingZone(settings);
    Timestamp cutoff = asOf == null ? null : Timestamp.from(asOf.plusDays(1).atStartOfDay(zone).toInstant());
    try (AutoCloseable lock = StagedHistory.lock(StagedHistory.sourceFolder(stagedRoot, source), source)) {
      History h = update(spark, source, settings, stagedRoot);
      if (h != null && !h.empty() && !allBatchesPresent(spark, h)) {
        // A batch the ledger names is gone (deleted by hand, or lost with a disk): the history
        // cannot be trusted, so every file is staged again rather than failing every later run.
        StagedHistory.forget(spark.sparkContext().hadoopConfiguration(), h.folder());
        History again = update(spark, source, settings, stagedRoot);
        h = new History(again.contract(), again.files(), again.folder(), again.ledger(), again.lineNumber(),
            "a staged batch of " + source.id() + " was missing: every file was staged again");
      }
      if (h == null || h.empty()) {
        return empty(spark, source, h == null ? List.of() : h.files(), h == null ? null : h.note());
      }
      describe(spark, "staging " + source.id() + ": cut at " + asOf + ", de-duplicate");
      return cut(spark, source, h, asOf, cutoff, cutFolder);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      describe(spark, null);
    }
  }

  /**
   * The last purchase date (reporting zone) among valid purchase rows in the inputs: the default
   * as-of date when none is given. Empty when no purchase row is valid. Stages the new files into
   * the staged history under {@code stagedRoot} (the run then only cuts) and reads one column of it.
   */
  public static Optional<LocalDate> latestEventDate(SparkSession spark, RapportSettings settings, Path stagedRoot) {
    ZoneId zone = reportingZone(settings);
    try (AutoCloseable lock = StagedHistory.lock(StagedHistory.sourceFolder(stagedRoot, SourceName.PURCHASES),
        SourceName.PURCHASES)) {
      History h = update(spark, SourceName.PURCHASES, settings, stagedRoot);
      if (h == null || h.empty()) {
        return Optional.empty();
      }
      describe(spark, "staging purchases: latest event date");
      Row r = history(spark, SourceName.PURCHASES, h).filter(col(Rules.REASON_CODE).isNull()).agg(max(col(EVENT_TS))).first();
      return r.isNullAt(0) ? Optional.empty()
          : Optional.of(r.getTimestamp(0).toInstant().atZone(zone).toLocalDate());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      describe(spark, null);
    }
  }

  /** {@link #latestEventDate(SparkSession, RapportSettings, Path)} over a temporary staged history. */
  public static Optional<LocalDate> latestEventDate(SparkSession spark, RapportSettings settings) {
    return latestEventDate(spark, settings, new Path(scratchFolder(spark), "_staged"));
  }

  /** Forgets every staged file under {@code stagedRoot}: the next run restages everything ({@code --full-refresh}). */
  public static void forgetStaged(SparkSession spark, Path stagedRoot) {
    for (SourceName source : SourceName.values()) {
      Path folder = StagedHistory.sourceFolder(stagedRoot, source);
      try (AutoCloseable lock = StagedHistory.lock(folder, source)) {
        StagedHistory.forget(spark.sparkContext().hadoopConfiguration(), folder);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The staged-history root of a warehouse: {@code <warehouse>/_staged}. */
  public static Path stagedRoot(String warehouse) {
    return new Path(warehouse, "_staged");
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
    SourceContract contract = SourceContract.of(source, s);
    List<String> files = InputFiles.resolve(source.id(), s.path(), spark.sparkContext().hadoopConfiguration());
    List<String> problems = new ArrayList<>();
    if (files.isEmpty()) {
      problems.add("path " + s.path() + " matches no file" + (required ? "; " + source.id() + " are required" : ""));
    }
    List<SourceReader.FileLayout> layouts = files.isEmpty() ? List.of() : SourceReader.layouts(spark, contract, files);
    List<SourceInspection.FileCheck> checks = new ArrayList<>();
    List<SourceReader.FileLayout> readable = new ArrayList<>();
    for (SourceReader.FileLayout l : layouts) {
      Map<String, String> missing = l.empty() || l.onlyCorrupt() ? Map.of() : contract.missingColumns(spark, l.columns());
      if (!missing.isEmpty()) {
        problems.add(contract.missingMessage(l.file(), missing, l.columns()));
      } else if (!l.empty()) {
        readable.add(l);
      }
      checks.add(new SourceInspection.FileCheck(l.file(), l.empty(), l.columns(), mapping(contract, l), missing));
    }
    SourceReader.Read read = SourceReader.read(spark, contract, readable);
    if (read == null) {
      return new SourceInspection(source, s.path(), s.format().id(), required, checks, problems, 0, Map.of(), List.of());
    }
    try {
      describe(spark, "validate " + source.id());
      Validated v = validate(spark, source, settings, contract, read);
      Map<String, Long> byReason = new TreeMap<>();
      long read0 = 0;
      for (Row r : v.frame().groupBy(Rules.REASON_CODE).count().collectAsList()) {
        read0 += r.getLong(1);
        if (!r.isNullAt(0)) {
          byReason.put(r.getString(0), r.getLong(1));
        }
      }
      List<SourceInspection.RejectSample> samples = new ArrayList<>();
      if (sampleRejects > 0) {
        for (Row r : v.frame().filter(col(Rules.REASON_CODE).isNotNull()).orderBy(SourceReader.FILE, SourceReader.ORDER)
            .select(col(SourceReader.FILE), col(Rules.REASON_CODE), col(Rules.REASON_DETAIL), col(Rules.RAW_RECORD))
            .limit(sampleRejects).collectAsList()) {
          samples.add(new SourceInspection.RejectSample(readable.get(r.getInt(0)).file(), r.getString(1), r.getString(2),
              r.getString(3)));
        }
      }
      return new SourceInspection(source, s.path(), s.format().id(), required, checks, problems, read0, byReason, samples);
    } finally {
      describe(spark, null);
    }
  }

  /**
   * Maps, parses and validates the rows read: the source's rules ({@link PurchasesStaging},
   * {@link SurveysStaging}, {@link ReviewsStaging}) over the canonical values, with
   * {@link Rules#RAW_RECORD} (the original text of a malformed row, else the row's own columns as
   * JSON) evaluated for rejected rows only.
   */
  private static Validated validate(SparkSession spark, SourceName source, RapportSettings settings,
      SourceContract contract, SourceReader.Read read) {
    List<Column> cols = new ArrayList<>();
    cols.add(col(SourceReader.FILE));
    cols.add(col(SourceReader.ORDER));
    cols.add(col(SourceReader.DAY));
    cols.add(col(SourceReader.CORRUPT));
    // The export columns ride along under positional names, for the raw record of a reject.
    Map<String, String> carried = new HashMap<>();
    for (String c : read.exportColumns()) {
      String alias = "_x" + carried.size();
      carried.put(c, alias);
      cols.add(col(SourceContract.quote(c)).as(alias));
    }
    // Text that did not decode holds the decoder's replacement character (csv and jsonl are read as text).
    Column bad = col(SourceReader.CORRUPT).contains(Rules.REPLACEMENT);
    if (contract.settings.format() != io.rapport.config.SourceFormat.PARQUET) {
      for (String c : read.exportColumns()) {
        bad = bad.or(col(SourceContract.quote(c)).contains(Rules.REPLACEMENT));
      }
    }
    cols.add(coalesce(bad, lit(false)).as(Rules.BAD_ENCODING));
    cols.addAll(contract.canonicalValues(read.exportColumns()));
    Dataset<Row> canonical;
    try {
      canonical = read.frame().select(cols.toArray(Column[]::new));
    } catch (Exception e) {
      throw new ConfigurationException("Invalid " + contract.key + ".expressions: " + SourceContract.firstLine(e.getMessage()), e);
    }
    String format = contract.settings.format().id();
    Validated v = switch (source) {
      case PURCHASES -> {
        String reportingCurrency = settings.reporting().currency();
        String defaultCurrency = contract.settings.defaults().get(StagedSchemas.CURRENCY);
        yield PurchasesStaging.validate(canonical, contract.timestamps, reportingCurrency,
            settings.reporting().timeZone(), defaultCurrency == null ? null : defaultCurrency.trim(),
            FxRates.ranges(spark, settings), format, contract.settings.priceRounding(), contract.settings.encoding());
      }
      case SURVEYS -> SurveysStaging.validate(canonical, contract.timestamps, format, contract.settings.encoding());
      case REVIEWS -> ReviewsStaging.validate(canonical, contract.timestamps, format, contract.settings.encoding());
    };
    // The replacement character is written out as the text \ufffd: never stored as such in a table.
    Column raw = when(col(Rules.REASON_CODE).isNotNull(), regexp_replace(
        coalesce(col(SourceReader.CORRUPT), read.rawJson(c -> col(carried.get(c)))), Rules.REPLACEMENT, "\\\\ufffd"));
    return new Validated(v.frame().withColumn(Rules.RAW_RECORD, raw), v.output(), v.eventTs(), v.rounded());
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A source's staged history after this run's update: its files (as listed now), folder and
   * ledger; {@code lineNumber}: whether line_number is part of the purchases key (mapped, given by
   * an expression or default, or a column of any staged file); {@code note}: a restage to report.
   */
  private static boolean allBatchesPresent(SparkSession spark, History h) {
    try {
      org.apache.hadoop.fs.FileSystem fs = h.folder().getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (Path batch : StagedHistory.batches(h.folder(), h.ledger())) {
        if (!fs.exists(batch)) {
          LOG.warn("staged batch {} named by the ledger is missing; restaging every file", batch);
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      throw StagedHistory.failure("list", h.folder(), e);
    }
  }

  private record History(SourceContract contract, List<String> files, Path folder, StagedHistory.Ledger ledger,
      boolean lineNumber, String note) {
    boolean empty() {
      return ledger == null || StagedHistory.batches(folder, ledger).isEmpty();
    }
  }

  /** Stages the new and changed files of a source and commits the new ledger; null when the source is not configured. */
  private static History update(SparkSession spark, SourceName source, RapportSettings settings, Path stagedRoot) {
    RapportSettings.Source s = source.settings(settings);
    boolean required = source.isRequired(s);
    if (s == null || s.path() == null || s.path().isBlank()) {
      if (required) {
        throw new InputContractException("Cannot read " + source.id() + ": sources." + source.id()
            + ".path is not set (" + source.id() + " are required)");
      }
      return null;
    }
    SourceContract contract = SourceContract.of(source, s);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<InputFiles.Listed> listed = InputFiles.list(source.id(), s.path(), conf);
    List<String> paths = listed.stream().map(InputFiles.Listed::path).toList();
    if (listed.isEmpty()) {
      if (required) {
        throw new InputContractException("Cannot read " + source.id() + ": path " + s.path() + " matches no file");
      }
      return new History(contract, paths, null, null, false, null);
    }
    Path folder = StagedHistory.sourceFolder(stagedRoot, source);
    String fingerprint = fingerprint(spark, source, settings, contract);
    StagedHistory.Ledger previous = StagedHistory.load(conf, folder);
    String note = null;
    StagedHistory.Ledger base = previous;
    if (previous == null) {
      base = StagedHistory.Ledger.empty(fingerprint);
    } else if (!previous.fingerprint().equals(fingerprint)) {
      note = "the contract settings of " + source.id() + " changed since the last run: every file was staged again";
      base = new StagedHistory.Ledger(previous.version(), fingerprint, 0, previous.nextBatch(), List.of());
    }
    // Only batches no committed ledger names are garbage: a restage that then fails (say, a file
    // lacking a mapped column) leaves the previous ledger in force, and its batches with it.
    StagedHistory.collectGarbage(conf, folder, previous == null ? base : previous);
    Map<String, StagedHistory.FileEntry> byPath = new HashMap<>();
    base.files().forEach(f -> byPath.put(f.path(), f));
    List<StagedHistory.FileEntry> kept = new ArrayList<>();
    List<InputFiles.Listed> fresh = new ArrayList<>();
    for (InputFiles.Listed f : listed) {
      StagedHistory.FileEntry e = byPath.get(f.path());
      if (e != null && e.sameFile(f)) {
        kept.add(e);
      } else {
        fresh.add(f);
      }
    }
    StagedHistory.Ledger ledger = base;
    if (!fresh.isEmpty() || kept.size() != base.files().size() || previous == null || base != previous) {
      List<StagedHistory.FileEntry> entries = new ArrayList<>(kept);
      entries.addAll(stageFiles(spark, source, settings, contract, fresh, kept, folder, base));
      entries.sort(Comparator.comparing(StagedHistory.FileEntry::path));
      ledger = new StagedHistory.Ledger(base.version() + 1, fingerprint, base.nextIndex() + fresh.size(),
          base.nextBatch() + 1, entries);
      StagedHistory.commit(conf, folder, ledger);
    }
    boolean lineNumber = s.expressions().containsKey(StagedSchemas.LINE_NUMBER)
        || s.defaults().containsKey(StagedSchemas.LINE_NUMBER)
        || ledger.files().stream().anyMatch(StagedHistory.FileEntry::lineNumber);
    return new History(contract, paths, folder, ledger, lineNumber, note);
  }

  /**
   * Reads, parses, validates and writes the given files as one batch folder in one Spark job;
   * returns their ledger entries. Contract errors (a missing or repeated column) are raised before
   * the job and leave the history as it was.
   */
  private static List<StagedHistory.FileEntry> stageFiles(SparkSession spark, SourceName source, RapportSettings settings,
      SourceContract contract, List<InputFiles.Listed> files, List<StagedHistory.FileEntry> kept, Path folder,
      StagedHistory.Ledger base) {
    if (files.isEmpty()) {
      return List.of();
    }
    String batch = String.format("batch-%06d", base.nextBatch());
    Map<String, Integer> index = new HashMap<>();
    for (InputFiles.Listed f : files) {
      index.put(f.path(), base.nextIndex() + index.size());
    }
    describe(spark, "staging " + source.id() + ": read headers of " + files.size() + " new files");
    List<SourceReader.FileLayout> layouts = SourceReader.layouts(spark, contract,
        files.stream().map(InputFiles.Listed::path).toList(), stagedTypes(kept));
    List<SourceReader.FileLayout> readable = new ArrayList<>();
    Map<String, Boolean> lineNumberColumn = new HashMap<>();
    Map<String, Map<String, String>> typesByFile = new HashMap<>();
    for (SourceReader.FileLayout l : layouts) {
      if (l.types() != null) {
        typesByFile.put(l.file(), l.types());
      }
      if (l.empty()) {
        continue;
      }
      checkLayout(spark, source, contract, l);
      lineNumberColumn.put(l.file(),
          SourceContract.find(l.columns(), contract.settings.sourceColumn(StagedSchemas.LINE_NUMBER)).isPresent());
      readable.add(l);
    }
    SourceReader.Read read = SourceReader.read(spark, contract, readable, index);
    boolean written = false;
    if (read != null) {
      describe(spark, "staging " + source.id() + ": stage " + files.size() + " new files");
      Validated v = validate(spark, source, settings, contract, read);
      Column day = col(SourceReader.DAY);
      List<Column> cols = new ArrayList<>();
      for (StructField f : stagedSchema(source).fields()) {
        Column c = switch (f.name()) {
          case EVENT_TS -> v.eventTs();
          case ROUNDED -> v.rounded();
          case DAY -> day;
          case Rules.REASON_CODE, Rules.REASON_DETAIL, SourceReader.FILE, SourceReader.ORDER -> col(f.name());
          case Rules.RAW_RECORD -> when(col(Rules.REASON_CODE).isNotNull(), col(Rules.RAW_RECORD));
          default -> v.output().get(f.name());
        };
        cols.add(c.cast(f.dataType()).as(f.name()));
      }
      TableIo.write(v.frame().select(cols.toArray(Column[]::new)), new Path(folder, batch), false);
      written = true;
      batch = OriginalBytes.restore(spark, contract, readable, index, folder, batch);
    }
    List<StagedHistory.FileEntry> out = new ArrayList<>();
    for (InputFiles.Listed f : files) {
      LocalDate d = StagedHistory.dayFolderDate(f.path());
      out.add(new StagedHistory.FileEntry(f.path(), f.size(), f.modified(), index.get(f.path()), written ? batch : null,
          d == null ? null : d.toString(), lineNumberColumn.getOrDefault(f.path(), false), typesByFile.get(f.path())));
    }
    return out;
  }

  /** The column types the kept Parquet files gave, each with the first file (by path) that gave it. */
  private static Map<String, Map.Entry<String, String>> stagedTypes(List<StagedHistory.FileEntry> kept) {
    Map<String, Map.Entry<String, String>> out = new HashMap<>();
    kept.stream().filter(e -> e.columnTypes() != null).sorted(Comparator.comparing(StagedHistory.FileEntry::path))
        .forEach(e -> e.columnTypes().forEach((column, type) -> out.putIfAbsent(column, Map.entry(e.path(), type))));
    return out;
  }

  /** A repeated or missing column is a contract error naming the file (exit 2). */
  private static void checkLayout(SparkSession spark, SourceName source, SourceContract contract, SourceReader.FileLayout l) {
    Set<String> seen = new HashSet<>();
    for (String c : l.columns()) {
      if (!seen.add(c.toLowerCase(java.util.Locale.ROOT))) {
        throw new InputContractException("Cannot read " + source.id() + " from " + l.file() + ": column " + c
            + " appears twice in the header (present: " + String.join(", ", l.columns()) + ")");
      }
    }
    Map<String, String> missing = l.onlyCorrupt() ? Map.of() : contract.missingColumns(spark, l.columns());
    if (!missing.isEmpty()) {
      throw new InputContractException(contract.missingMessage(l.file(), missing, l.columns()));
    }
  }

  /**
   * The staged history's Parquet schema: the source's staged columns except source_file (all
   * nullable: rejected rows keep what parsed), the event time, reject reason, detail and raw
   * record (rejected rows only), file index, row order and the file's day-folder date.
   */
  static StructType stagedSchema(SourceName source) {
    StructType t = new StructType();
    for (StructField f : source.schema().fields()) {
      if (!f.name().equals(StagedSchemas.SOURCE_FILE)) {
        t = t.add(f.name(), f.dataType(), true);
      }
    }
    return t.add(EVENT_TS, DataTypes.TimestampType, true)
        .add(Rules.REASON_CODE, DataTypes.StringType, true)
        .add(Rules.REASON_DETAIL, DataTypes.StringType, true)
        .add(Rules.RAW_RECORD, DataTypes.StringType, true)
        .add(SourceReader.FILE, DataTypes.IntegerType, false)
        .add(SourceReader.ORDER, DataTypes.LongType, false)
        .add(DAY, DataTypes.DateType, true)
        .add(ROUNDED, DataTypes.BooleanType, true);
  }

  /** Every staged row of the files the ledger names, with each file's URI and its rank by path. */
  private static Dataset<Row> history(SparkSession spark, SourceName source, History h) {
    List<String> batches = StagedHistory.batches(h.folder(), h.ledger()).stream().map(Path::toString).toList();
    List<Row> files = new ArrayList<>();
    int rank = 0;
    for (StagedHistory.FileEntry f : h.ledger().files()) {
      files.add(RowFactory.create(f.index(), rank++, displayUri(f.path())));
    }
    StructType fileSchema = new StructType().add(SourceReader.FILE, DataTypes.IntegerType, false)
        .add(RANK, DataTypes.IntegerType, false).add(URI, DataTypes.StringType, false);
    Dataset<Row> fileTable = spark.createDataFrame(files, fileSchema);
    // Inner join: rows of files that changed or disappeared since they were staged drop out here.
    return spark.read().schema(stagedSchema(source)).parquet(batches.toArray(String[]::new))
        .join(broadcast(fileTable), SourceReader.FILE);
  }

  /** The URI a file's rows carry in source_file (what Spark's input_file_name() gives). */
  static String displayUri(String file) {
    java.net.URI u = new Path(file).toUri();
    return "file".equals(u.getScheme()) && u.getAuthority() == null ? "file://" + u.getRawPath() : u.toString();
  }

  /**
   * The as-of cut, de-duplication and counts over the whole staged history, in one Spark job that
   * writes the accepted rows and the rejects (partitioned by disposition) under {@code cutFolder}.
   */
  private static StagingResult cut(SparkSession spark, SourceName source, History h, LocalDate asOf, Timestamp cutoff,
      Path cutFolder) {
    Classified classification = classify(history(spark, source, h), source, h.lineNumber(), asOf, cutoff,
        BROADCAST_DUPLICATE_KEYS);
    Dataset<Row> classified = classification.rows();
    List<Column> metrics = new ArrayList<>();
    metrics.add(count(lit(1)).as("read"));
    for (String d : List.of(ACCEPTED, REJECTED, DUPLICATE, AFTER_AS_OF)) {
      metrics.add(sum(when(col(DISPOSITION).equalTo(d), 1L).otherwise(0L)).as(d));
    }
    metrics.add(sum(when(col(DISPOSITION).equalTo(ACCEPTED).and(col(ROUNDED)), 1L).otherwise(0L)).as("rounded"));
    for (RejectReason r : RejectReason.values()) {
      metrics.add(sum(when(col(DISPOSITION).equalTo(REJECTED).and(col(Rules.REASON_CODE).equalTo(r.code())), 1L)
          .otherwise(0L)).as("reason_" + r.code()));
    }
    // The rows are written in their final columns, so the accepted part is the next step's input
    // as it stands (IngestStage moves it, no second write); rejects keep their reason columns.
    Map<String, Column> values = new LinkedHashMap<>();
    for (StructField f : source.schema().fields()) {
      values.put(f.name(), f.name().equals(StagedSchemas.SOURCE_FILE) ? col(URI) : col(f.name()));
    }
    if (source == SourceName.REVIEWS && cutoff != null) {
      // A reply after the end of the as-of date is not yet observed.
      values.put(StagedSchemas.REPLIED_AT, when(col(StagedSchemas.REPLIED_AT).lt(lit(cutoff)), col(StagedSchemas.REPLIED_AT)));
    }
    List<Column> written = new ArrayList<>(List.of(Rules.conformed(source.schema(), values)));
    for (String c : List.of(Rules.REASON_CODE, Rules.REASON_DETAIL, Rules.RAW_RECORD, DISPOSITION)) {
      written.add(col(c));
    }
    Observation observed = new Observation("staging " + source.id());
    classified.observe(observed, metrics.get(0), metrics.subList(1, metrics.size()).toArray(Column[]::new))
        .filter(col(DISPOSITION).isin(ACCEPTED, REJECTED))
        .select(written.toArray(Column[]::new))
        .write().mode(SaveMode.Overwrite).partitionBy(DISPOSITION).option("compression", "zstd")
        .parquet(cutFolder.toString());
    classification.release();
    Map<String, Object> m;
    try {
      m = observed.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while staging " + source.id(), e);
    }
    Map<String, Long> byReason = new TreeMap<>();
    for (RejectReason r : RejectReason.values()) {
      long n = number(m, "reason_" + r.code());
      if (n > 0) {
        byReason.put(r.code(), n);
      }
    }
    SourceCounts counts = new SourceCounts(number(m, "read"), number(m, ACCEPTED), number(m, REJECTED),
        number(m, DUPLICATE), number(m, AFTER_AS_OF), byReason);
    double limit = h.contract().settings.maxRejectRate();
    if (counts.rejectRate() > limit) {
      throw new DataQualityException(String.format(
          "Too many rejected %s rows: %d of %d (%.2f%%) exceed %s.max-reject-rate %.2f%%; top reasons: %s (%s)",
          source.id(), counts.rejected(), counts.read() - counts.afterAsOf(), 100 * counts.rejectRate(), h.contract().key, 100 * limit,
          counts.topReasons(5), counts.summary()));
    }
    Path acceptedFolder = counts.accepted() == 0 ? null : part(cutFolder, ACCEPTED);
    // Read back as exactly source.schema(), nullability included (a Parquet read makes every column nullable).
    Map<String, Column> asWritten = new LinkedHashMap<>();
    for (String c : source.schema().fieldNames()) {
      asWritten.put(c, col(c));
    }
    Dataset<Row> accepted = acceptedFolder == null ? spark.createDataFrame(List.of(), source.schema())
        : Rules.conform(spark.read().schema(source.schema()).parquet(acceptedFolder.toString()), source.schema(), asWritten);
    StructType rejectedSchema = source.schema().add(Rules.REASON_CODE, DataTypes.StringType, true)
        .add(Rules.REASON_DETAIL, DataTypes.StringType, true).add(Rules.RAW_RECORD, DataTypes.StringType, true);
    Dataset<Row> rejected = counts.rejected() == 0 ? spark.createDataFrame(List.of(), rejectedSchema)
        : spark.read().schema(rejectedSchema).parquet(part(cutFolder, REJECTED).toString());
    return new StagingResult(source, accepted, acceptedFolder, rejectsOf(rejected, source), counts, h.files(), h.note(),
        number(m, "rounded"));
  }

  private static long number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? 0L : ((Number) v).longValue();
  }

  /** The folder of one disposition's rows in the cut. */
  private static Path part(Path cutFolder, String disposition) {
    return new Path(cutFolder, DISPOSITION + "=" + disposition);
  }

  /**
   * Natural keys with copies up to this many are found by a narrow aggregation (key and position
   * only) and broadcast back to the rows, so whole rows are never shuffled; above it (say every
   * daily file is a full re-export) the rows are ranked in a window over the key instead.
   */
  static final long BROADCAST_DUPLICATE_KEYS = 500_000;

  private static final String CANDIDATE = "_candidate";
  private static final String KEY = "_key";
  private static final String COPY_KEY = "_copy_key";
  private static final String POSITION = "_position";
  private static final String WINNER = "_winner";

  /**
   * Adds {@link #DISPOSITION} (SPEC section 2, "Validation and quarantine" and "Rejects are as
   * stable as the tables under backfill"): after_as_of when the event time is known and at or
   * after the cutoff, or, for a row without a usable event time (malformed, or none parsed), when
   * its file's day-folder date is after the as-of date; else rejected when a rule failed; else
   * duplicate when a copy with the same natural key in a later file (by path), or later in the
   * same file, is also a candidate; else accepted.
   *
   * @param broadcastLimit most keys with copies handled by the broadcast (see {@link #BROADCAST_DUPLICATE_KEYS})
   */
  static Classified classify(Dataset<Row> history, SourceName source, boolean lineNumber, LocalDate asOf,
      Timestamp cutoff, long broadcastLimit) {
    Column rejected = col(Rules.REASON_CODE).isNotNull();
    Column eventKnown = col(EVENT_TS).isNotNull()
        .and(coalesce(col(Rules.REASON_CODE).notEqual(lit(RejectReason.MALFORMED_ROW.code())), lit(true)));
    Column late = cutoff == null ? lit(false)
        : when(eventKnown, col(EVENT_TS).geq(lit(cutoff)))
            .otherwise(coalesce(col(DAY).gt(lit(java.sql.Date.valueOf(asOf))), lit(false)));
    List<Column> key = naturalKey(source, lineNumber);
    List<Column> keyed = new ArrayList<>(List.of(col("*"), rejected.unary_$bang().and(late.unary_$bang()).as(CANDIDATE),
        struct(col(RANK), col(SourceReader.ORDER)).as(POSITION)));
    for (int i = 0; i < key.size(); i++) {
      keyed.add(key.get(i).as(KEY + i));
    }
    Dataset<Row> rows = history.select(keyed.toArray(Column[]::new));
    Column[] keyColumns = java.util.stream.IntStream.range(0, key.size()).mapToObj(i -> col(KEY + i)).toArray(Column[]::new);
    // The copy that wins is the last: the highest (file rank, row order) among the candidates.
    Dataset<Row> copies = rows.filter(col(CANDIDATE)).groupBy(keyColumns)
        .agg(count(lit(1)).as("_copies"), max(col(POSITION)).as(WINNER))
        .filter(col("_copies").gt(1));
    Column duplicate;
    copies = copies.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    long keysWithCopies = copies.count();
    if (keysWithCopies == 0) {
      duplicate = lit(false);
    } else if (keysWithCopies <= broadcastLimit) {
      List<Column> renamed = new ArrayList<>();
      Column same = lit(true);
      for (int i = 0; i < key.size(); i++) {
        renamed.add(col(KEY + i).as(COPY_KEY + i));
        same = same.and(col(KEY + i).eqNullSafe(col(COPY_KEY + i)));
      }
      renamed.add(col(WINNER));
      rows = rows.join(broadcast(copies.select(renamed.toArray(Column[]::new))), same, "left");
      duplicate = col(CANDIDATE).and(col(WINNER).isNotNull()).and(col(POSITION).notEqual(col(WINNER)));
    } else {
      List<Column> partition = new ArrayList<>(List.of(col(CANDIDATE)));
      partition.addAll(List.of(keyColumns));
      duplicate = row_number().over(Window.partitionBy(partition.toArray(Column[]::new))
          .orderBy(col(RANK).desc(), col(SourceReader.ORDER).desc())).gt(1);
    }
    List<Column> out = new ArrayList<>();
    for (String c : history.columns()) {
      out.add(col(c));
    }
    out.add(when(col(CANDIDATE), when(duplicate, lit(DUPLICATE)).otherwise(lit(ACCEPTED)))
        .when(late, lit(AFTER_AS_OF)).otherwise(lit(REJECTED)).as(DISPOSITION));
    return new Classified(rows.select(out.toArray(Column[]::new)), copies);
  }

  /** The classified rows, and the cached keys with copies they read (to release once written). */
  record Classified(Dataset<Row> rows, Dataset<Row> copies) {
    void release() {
      copies.unpersist(false);
    }
  }

  /**
   * Columns identifying copies of one row: purchases (order_id, line_number) when line_number is
   * part of the key (a line without a number falls back to its whole row), else the whole row;
   * surveys response_id; reviews review_id.
   */
  private static List<Column> naturalKey(SourceName source, boolean lineNumber) {
    return switch (source) {
      case SURVEYS -> List.of(col(StagedSchemas.RESPONSE_ID));
      case REVIEWS -> List.of(col(StagedSchemas.REVIEW_ID));
      case PURCHASES -> {
        List<Column> key = new ArrayList<>();
        Column noLine = col(StagedSchemas.LINE_NUMBER).isNull();
        for (StructField f : StagedSchemas.PURCHASES.fields()) {
          String n = f.name();
          if (n.equals(StagedSchemas.SOURCE_FILE)) {
            continue;
          }
          boolean part = !lineNumber || n.equals(StagedSchemas.ORDER_ID) || n.equals(StagedSchemas.LINE_NUMBER);
          key.add(part ? col(n) : when(noLine, col(n)));
        }
        yield key;
      }
    };
  }

  /**
   * What a change of would change the staged rows: the source's mapping, expressions, defaults,
   * formats, zones, encoding, options, price rounding, the reporting currency and zone, the rates
   * file's identity (purchases) and {@link StagedHistory#CODE_VERSION}.
   */
  private static String fingerprint(SparkSession spark, SourceName source, RapportSettings settings, SourceContract contract) {
    RapportSettings.Source s = contract.settings;
    StringBuilder sb = new StringBuilder();
    sb.append("code=").append(StagedHistory.CODE_VERSION)
        .append("|format=").append(s.format().id())
        .append("|options=").append(new TreeMap<>(s.options()))
        .append("|zone=").append(s.timeZone())
        .append("|pattern=").append(s.timestampFormat())
        .append("|encoding=").append(s.encoding().name())
        .append("|rounding=").append(s.priceRounding().id())
        .append("|columns=").append(new TreeMap<>(s.columns()))
        .append("|expressions=").append(new TreeMap<>(s.expressions()))
        .append("|defaults=").append(new TreeMap<>(s.defaults()))
        .append("|reporting=").append(settings.reporting().currency()).append(' ').append(settings.reporting().timeZone());
    RapportSettings.Source fx = settings.sources().fxRates();
    if (source == SourceName.PURCHASES && fx != null && fx.path() != null && !fx.path().isBlank()) {
      sb.append("|fx=").append(fx.format().id()).append(new TreeMap<>(fx.options()))
          .append(new TreeMap<>(fx.columns())).append(new TreeMap<>(fx.expressions())).append(new TreeMap<>(fx.defaults()));
      for (InputFiles.Listed f : InputFiles.list("fx-rates", fx.path(), spark.sparkContext().hadoopConfiguration())) {
        sb.append(';').append(f.path()).append(',').append(f.size()).append(',').append(f.modified());
      }
    }
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh temporary folder for a from-scratch staging, removed when the JVM exits. */
  private static Path scratchFolder(SparkSession spark) {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("rapport-staging-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return new Path(dir.toUri());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot create a temporary staging folder: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort at JVM exit
    }
  }

  private static Dataset<Row> rejectsOf(Dataset<Row> rejected, SourceName source) {
    Map<String, Column> values = new LinkedHashMap<>();
    values.put(StagedSchemas.SOURCE, lit(source.id()));
    values.put(StagedSchemas.SOURCE_FILE, col(StagedSchemas.SOURCE_FILE));
    values.put(StagedSchemas.REASON_CODE, col(Rules.REASON_CODE));
    values.put(StagedSchemas.REASON_DETAIL, col(Rules.REASON_DETAIL));
    values.put(StagedSchemas.RAW_RECORD, col(Rules.RAW_RECORD));
    return Rules.conform(rejected, Rejects.TABLE.schema(), values);
  }

  private static StagingResult empty(SparkSession spark, SourceName source, List<String> files, String note) {
    Dataset<Row> accepted = spark.createDataFrame(List.of(), source.schema());
    Dataset<Row> rejects = spark.createDataFrame(List.of(), Rejects.TABLE.schema());
    return new StagingResult(source, accepted, null, rejects, SourceCounts.empty(), files, note, 0);
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
