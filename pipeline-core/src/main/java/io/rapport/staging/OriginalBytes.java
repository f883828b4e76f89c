package io.rapport.staging;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.SourceFormat;
import io.rapport.warehouse.TableIo;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The raw record of an {@code invalid_encoding} reject as the bytes the file holds (SPEC 2: "raw
 * record kept as escaped bytes"), not as decoded text with replacement characters.
 *
 * <p>The staging pass decodes text with the source's encoding, and the bytes that did not decode
 * are gone by then. So after a batch is written, and only when it holds such rejects, their files
 * are read again as ISO-8859-1, which maps every byte to one character, with the same reader
 * options: for an ASCII-compatible encoding the separators, quotes and line ends are the same bytes,
 * so the reader finds the same records in the same order. The n-th record of a file in that read
 * is the n-th in the batch; its raw record, each byte above 0x7F written {@code \xHH}, replaces
 * the decoded one, and the batch is written again under a new name that the ledger then names.
 * A file whose two reads disagree on the number of records keeps the decoded text (with each
 * replacement character written {@code \ufffd}), and the run logs it. The common case, no such
 * reject, costs one small query of the batch just written.
 */
final class OriginalBytes {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OriginalBytes.class);
  private static final String RANK = "_rank_in_file";
  private static final String FIXED = "_raw_bytes";
  private static final String WANTED_FILE = "_wanted_file";
  private static final String WANTED_RANK = "_wanted_rank";
  private static final String WANTED_ORDER = "_wanted_order";
  static final String DETAIL = "the row holds bytes that are not valid %s text (set the source's encoding);"
      + " raw_record holds the row's original bytes, each byte above 0x7F written \\xHH";

  private OriginalBytes() {}

  /** Whether the records of a file in {@code charset} can be found again by reading its bytes as ISO-8859-1. */
  static boolean applies(SourceContract contract) {
    if (contract.settings.format() == SourceFormat.PARQUET) {
      return false; // Parquet strings are not decoded with the source's encoding
    }
    Charset cs = contract.settings.encoding();
    if (cs.equals(StandardCharsets.UTF_8)) {
      return true; // a multi-byte UTF-8 sequence never contains an ASCII byte
    }
    String ascii = ",;|\t\"'\\\n\r{}[]:0123456789abcXYZ";
    return cs.newEncoder().maxBytesPerChar() == 1.0f
        && new String(ascii.getBytes(StandardCharsets.US_ASCII), cs).equals(ascii);
  }

  /**
   * Rewrites {@code batch} under {@code folder} with the original bytes of its
   * {@code invalid_encoding} rejects; returns the batch folder name the ledger must name (the
   * same one when nothing needed rewriting).
   */
  static String restore(SparkSession spark, SourceContract contract, List<SourceReader.FileLayout> layouts,
      Map<String, Integer> index, Path folder, String batch) {
    if (!applies(contract)) {
      return batch;
    }
    Path written = new Path(folder, batch);
    Dataset<Row> staged = spark.read().parquet(written.toString());
    List<Row> bad = staged.filter(col(Rules.REASON_CODE).equalTo(RejectReason.INVALID_ENCODING.code()))
        .select(col(SourceReader.FILE)).distinct().collectAsList();
    if (bad.isEmpty()) {
      return batch;
    }
    List<Integer> files = bad.stream().map(r -> r.getInt(0)).toList();
    List<SourceReader.FileLayout> affected = layouts.stream().filter(l -> files.contains(index.get(l.file()))).toList();
    Map<String, String> options = latin1Options(contract);
    SourceReader.Read asBytes = SourceReader.read(spark, contract, affected, index, options);
    var byFile = Window.partitionBy(SourceReader.FILE).orderBy(SourceReader.ORDER);
    Dataset<Row> latin = asBytes.frame()
        .select(col(SourceReader.FILE), col(SourceReader.ORDER),
            coalesce(col(SourceReader.CORRUPT), asBytes.rawJson(c -> col(SourceContract.quote(c)))).as(FIXED))
        .withColumn(RANK, row_number().over(byFile));
    Dataset<Row> ranked = staged.filter(col(SourceReader.FILE).isin(files.toArray()))
        .select(col(SourceReader.FILE), col(SourceReader.ORDER), col(Rules.REASON_CODE))
        .withColumn(RANK, row_number().over(byFile));
    Map<Integer, Long> stagedCounts = counts(ranked);
    Map<Integer, Long> latinCounts = counts(latin);
    // Only a file whose two reads find the same number of records can be matched record by record.
    List<Integer> agreeing = new ArrayList<>();
    for (int file : files) {
      if (stagedCounts.get(file).equals(latinCounts.get(file))) {
        agreeing.add(file);
      } else {
        LOG.warn("{}: file {} read as bytes gives {} records, decoded {}; its invalid_encoding rejects keep the decoded"
            + " text", contract.sourceId, file, latinCounts.get(file), stagedCounts.get(file));
      }
    }
    List<Row> targets = ranked.filter(col(Rules.REASON_CODE).equalTo(RejectReason.INVALID_ENCODING.code())
            .and(col(SourceReader.FILE).isin(agreeing.toArray())))
        .select(SourceReader.FILE, RANK, SourceReader.ORDER).collectAsList();
    Map<List<Integer>, Long> orderOf = new HashMap<>();
    targets.forEach(r -> orderOf.put(List.of(r.getInt(0), r.getInt(1)), r.getLong(2)));
    Dataset<Row> wanted = spark.createDataFrame(targets.stream()
        .map(r -> RowFactory.create(r.getInt(0), r.getInt(1))).toList(),
        new StructType().add(WANTED_FILE, DataTypes.IntegerType, false).add(WANTED_RANK, DataTypes.IntegerType, false));
    Dataset<Row> found = latin.join(broadcast(wanted),
        col(SourceReader.FILE).equalTo(col(WANTED_FILE)).and(col(RANK).equalTo(col(WANTED_RANK))));
    List<Row> fixes = new ArrayList<>();
    for (Row r : found.select(SourceReader.FILE, RANK, FIXED).collectAsList()) {
      fixes.add(RowFactory.create(r.getInt(0), orderOf.get(List.of(r.getInt(0), r.getInt(1))), escape(r.getString(2))));
    }
    if (fixes.isEmpty()) {
      return batch;
    }
    Dataset<Row> fixTable = spark.createDataFrame(fixes, new StructType().add(WANTED_FILE, DataTypes.IntegerType, false)
        .add(WANTED_ORDER, DataTypes.LongType, false).add(FIXED, DataTypes.StringType, false));
    String detail = String.format(DETAIL, contract.settings.encoding().name());
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String name : staged.columns()) {
      cols.add(switch (name) {
        case Rules.RAW_RECORD -> coalesce(col(FIXED), col(name)).as(name);
        case Rules.REASON_DETAIL -> when(col(FIXED).isNotNull(), lit(detail)).otherwise(col(name)).as(name);
        default -> col(name);
      });
    }
    String rewritten = batch + "-bytes";
    Dataset<Row> joined = staged.join(broadcast(fixTable), col(SourceReader.FILE).equalTo(col(WANTED_FILE))
        .and(col(SourceReader.ORDER).equalTo(col(WANTED_ORDER))), "left");
    // A staged batch like any other: no dictionary encoding (decision A13).
    TableIo.write(joined.select(cols.toArray(org.apache.spark.sql.Column[]::new)), new Path(folder, rewritten), false);
    return rewritten;
  }

  private static Map<Integer, Long> counts(Dataset<Row> ranked) {
    Map<Integer, Long> out = new HashMap<>();
    for (Row r : ranked.groupBy(SourceReader.FILE).count().collectAsList()) {
      out.put(r.getInt(0), r.getLong(1));
    }
    return out;
  }

  /** The reader options of the source with ISO-8859-1 in place of its encoding. */
  private static Map<String, String> latin1Options(SourceContract contract) {
    Map<String, String> options = new HashMap<>(SourceReader.readerOptions(contract));
    options.keySet().removeIf(k -> k.equalsIgnoreCase("encoding") || k.equalsIgnoreCase("charset"));
    options.put("encoding", StandardCharsets.ISO_8859_1.name());
    if (contract.settings.format() == SourceFormat.JSONL && InputFiles.option(options, "lineSep", null) == null) {
      options.put("lineSep", "\n"); // Spark's JSON reader needs it for a charset other than UTF-8
    }
    return options;
  }

  /** Text read as ISO-8859-1 (one character per byte) with every byte above 0x7F written {@code \xHH}. */
  static String escape(String latin1) {
    StringBuilder b = new StringBuilder(latin1.length() + 16);
    for (int i = 0; i < latin1.length(); i++) {
      char c = latin1.charAt(i);
      if (c < 0x80) {
        b.append(c);
      } else {
        b.append(String.format("\\x%02X", (int) c));
      }
    }
    return b.toString();
  }
}
