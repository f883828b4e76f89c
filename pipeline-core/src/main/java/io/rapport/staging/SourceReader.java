package io.rapport.staging;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.SourceFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a source's files as they are: every export column (as strings for csv and jsonl), plus
 * {@link #CORRUPT} (the original text of a row that could not be parsed), {@link #FILE} and
 * {@link #ORDER} (file and row order, for "last copy wins").
 *
 * <p>CSV defaults, each overridable through {@code options}: {@code header=true},
 * {@code multiLine=true} (quoted fields may hold newlines; each file is then read by one task, set
 * {@code multiLine: "false"} for huge single-line exports), {@code escape="} (RFC 4180 doubled
 * quotes). {@code mode} and {@code columnNameOfCorruptRecord} are always PERMISSIVE and
 * {@code _corrupt_record}: bad rows are rejected, never dropped and never fatal.
 */
final class SourceReader {
  private SourceReader() {}

  static final String CORRUPT = "_corrupt_record";
  static final String FILE = "_file_index";
  static final String DAY = "_day_date";
  private static final String PATH = "_scan_path";
  static final String ORDER = "_row_order";

  /** One file's columns; {@code empty} for a file with no rows and no header; {@code types}: a Parquet file's column types. */
  record FileLayout(String file, List<String> columns, boolean empty, boolean onlyCorrupt, Map<String, String> types) {
    FileLayout(String file, List<String> columns, boolean empty, boolean onlyCorrupt) {
      this(file, columns, empty, onlyCorrupt, null);
    }
  }

  /** {@link #layouts(SparkSession, SourceContract, List, Map)} with no file staged before. */
  static List<FileLayout> layouts(SparkSession spark, SourceContract contract, List<String> files) {
    return layouts(spark, contract, files, Map.of());
  }

  /**
   * The columns of each file: CSV header read directly, JSON schema inferred, Parquet footer.
   * {@code stagedTypes} maps a lower-case column name to the file staged earlier that gave it a
   * type and that type: a Parquet file that gives the column another type is a contract error,
   * whether the earlier file is in this batch or was staged by an earlier run.
   */
  static List<FileLayout> layouts(SparkSession spark, SourceContract contract, List<String> files,
      Map<String, Map.Entry<String, String>> stagedTypes) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> options = readerOptions(contract);
    Map<String, Map.Entry<String, String>> parquetTypes = new HashMap<>(stagedTypes);
    List<FileLayout> out = new ArrayList<>();
    for (String file : files) {
      switch (contract.settings.format()) {
        case CSV -> out.add(InputFiles.csvHeader(file, options, conf)
            .map(h -> new FileLayout(file, h, false, false))
            .orElse(new FileLayout(file, List.of(), true, false)));
        case JSONL -> {
          if (length(file, conf) == 0) {
            out.add(new FileLayout(file, List.of(), true, false));
          } else {
            StructType inferred = spark.read().options(options).option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT).json(file).schema();
            List<String> names = new ArrayList<>();
            for (StructField f : inferred.fields()) {
              if (!f.name().equals(CORRUPT)) {
                names.add(f.name());
              }
            }
            boolean corrupt = inferred.getFieldIndex(CORRUPT).isDefined();
            out.add(new FileLayout(file, List.copyOf(names), names.isEmpty() && !corrupt, names.isEmpty() && corrupt));
          }
        }
        default -> {
          if (length(file, conf) == 0) {
            out.add(new FileLayout(file, List.of(), true, false));
          } else {
            StructType schema = spark.read().options(options).parquet(file).schema();
            Map<String, String> types = new LinkedHashMap<>();
            for (StructField f : schema.fields()) {
              String key = f.name().toLowerCase(java.util.Locale.ROOT);
              String type = f.dataType().simpleString();
              types.put(key, type);
              Map.Entry<String, String> first = parquetTypes.putIfAbsent(key, Map.entry(file, type));
              if (first != null && !first.getValue().equals(type)) {
                throw new io.rapport.errors.InputContractException("Cannot read " + contract.sourceId + ": Parquet column "
                    + f.name() + " is " + first.getValue() + " in " + first.getKey() + " but " + type + " in " + file
                    + " (every file must give a column the same type)");
              }
            }
            out.add(new FileLayout(file, List.of(schema.fieldNames()), false, false, types));
          }
        }
      }
    }
    return out;
  }

  private static long length(String file, Configuration conf) {
    try {
      Path p = new Path(file);
      FileSystem fs = p.getFileSystem(conf);
      return fs.getFileStatus(p).getLen();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + file + ": " + e.getMessage(), e);
    }
  }

  /** The export columns of all files, first-seen order (the union the reader produces). */
  static List<String> exportColumns(List<FileLayout> layouts) {
    Set<String> names = new LinkedHashSet<>();
    for (FileLayout l : layouts) {
      names.addAll(l.columns());
    }
    return List.copyOf(names);
  }

  /**
   * The rows read: {@code frame} has the union of the export columns, {@link #CORRUPT},
   * {@link #FILE} (the file's index) and {@link #ORDER}; {@code rawJson} is, over that frame, the
   * row's own file's columns as JSON (so a reject's raw record does not depend on which other
   * files were read with it), evaluated only where it is used.
   */
  record Read(Dataset<Row> frame, List<String> exportColumns, List<Group> groups) {
    /** The raw record JSON, with each export column's value given by {@code column} (it may be renamed downstream). */
    Column rawJson(java.util.function.Function<String, Column> column) {
      Column out = null;
      for (Group g : groups) {
        Column json = json(g.columns(), column);
        if (groups.size() == 1) {
          return json;
        }
        Column inGroup = col(FILE).isin(g.indexes().toArray());
        out = out == null ? when(inGroup, json) : out.when(inGroup, json);
      }
      return out;
    }
  }

  /** Files with the same columns, read by one scan. */
  record Group(List<String> columns, List<Integer> indexes) {}

  /** {@link #read(SparkSession, SourceContract, List, Map)} with indexes in file order. */
  static Read read(SparkSession spark, SourceContract contract, List<FileLayout> layouts) {
    Map<String, Integer> index = new HashMap<>();
    for (FileLayout l : layouts) {
      index.putIfAbsent(l.file(), index.size());
    }
    return read(spark, contract, layouts, index);
  }

  /**
   * Reads the non-empty files in one Spark scan per layout (files with the same columns), combined
   * by column name; {@code index} gives each file's {@link #FILE} value. Null when every file is empty.
   */
  static Read read(SparkSession spark, SourceContract contract, List<FileLayout> layouts, Map<String, Integer> index) {
    return read(spark, contract, layouts, index, readerOptions(contract));
  }

  /** As {@link #read(SparkSession, SourceContract, List, Map)}, with the given reader options. */
  static Read read(SparkSession spark, SourceContract contract, List<FileLayout> layouts, Map<String, Integer> index,
      Map<String, String> options) {
    List<FileLayout> nonEmpty = layouts.stream().filter(l -> !l.empty()).toList();
    if (nonEmpty.isEmpty()) {
      return null;
    }
    Map<List<String>, List<String>> groups = new LinkedHashMap<>();
    for (FileLayout l : nonEmpty) {
      groups.computeIfAbsent(l.columns(), k -> new ArrayList<>()).add(l.file());
    }
    SourceFormat format = contract.settings.format();
    Dataset<Row> all = null;
    List<Group> out = new ArrayList<>();
    for (Map.Entry<List<String>, List<String>> g : groups.entrySet()) {
      String[] files = g.getValue().toArray(String[]::new);
      Dataset<Row> df = switch (format) {
        case PARQUET -> spark.read().options(options).parquet(files).withColumn(CORRUPT, lit(null).cast(DataTypes.StringType));
        case JSONL -> permissive(spark.read().options(options), stringSchema(g.getKey())).json(files);
        default -> permissive(spark.read().options(options), stringSchema(g.getKey())).csv(files);
      };
      df = withOrigin(df, g.getValue(), index);
      out.add(new Group(g.getKey(), g.getValue().stream().map(index::get).toList()));
      all = all == null ? df : all.unionByName(df, true);
    }
    return new Read(all, exportColumns(nonEmpty), List.copyOf(out));
  }

  private static Column json(List<String> columns, java.util.function.Function<String, Column> column) {
    if (columns.isEmpty()) {
      return lit(null).cast(DataTypes.StringType);
    }
    Column[] cols = columns.stream().map(c -> column.apply(c).as(c)).toArray(Column[]::new);
    return to_json(struct(cols), Map.of("ignoreNullFields", "false"));
  }

  /** The reader options: the source's {@code options}, with its {@code encoding} unless they name one, and CSV defaults. */
  static Map<String, String> readerOptions(SourceContract contract) {
    Map<String, String> options = new HashMap<>(contract.settings.options());
    boolean utf8 = contract.settings.encoding().equals(java.nio.charset.StandardCharsets.UTF_8);
    if (contract.settings.format() != SourceFormat.PARQUET
        && InputFiles.option(options, "encoding", InputFiles.option(options, "charset", null)) == null) {
      options.put("encoding", contract.settings.encoding().name());
      if (!utf8 && contract.settings.format() == SourceFormat.JSONL && InputFiles.option(options, "lineSep", null) == null) {
        options.put("lineSep", "\n"); // Spark's JSON reader needs it for another charset
      }
    }
    if (contract.settings.format() != SourceFormat.CSV) {
      return options;
    }
    Map<String, String> csvOptions = new HashMap<>();
    csvOptions.put("header", "true");
    csvOptions.put("multiLine", "true");
    csvOptions.put("escape", "\"");
    for (Map.Entry<String, String> e : options.entrySet()) {
      csvOptions.keySet().removeIf(k -> k.equalsIgnoreCase(e.getKey()));
      csvOptions.put(e.getKey(), e.getValue());
    }
    return csvOptions;
  }

  /** The URI Spark's scan reports for a file ({@code _metadata.file_path}). */
  static String scanPath(String file) {
    return new Path(file).toUri().toString();
  }

  private static DataFrameReader permissive(DataFrameReader reader, StructType schema) {
    return reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT).schema(schema);
  }

  private static StructType stringSchema(List<String> columns) {
    StructType schema = new StructType();
    for (String c : columns) {
      schema = schema.add(c, DataTypes.StringType, true);
    }
    return schema.add(CORRUPT, DataTypes.StringType, true);
  }

  private static Dataset<Row> withOrigin(Dataset<Row> df, List<String> files, Map<String, Integer> index) {
    // The file's index and day-folder date by a broadcast hash join on the scan's own file path
    // (a literal map would be searched key by key for every row).
    List<Row> rows = new ArrayList<>();
    for (String f : files) {
      java.time.LocalDate d = StagedHistory.dayFolderDate(f);
      rows.add(org.apache.spark.sql.RowFactory.create(scanPath(f), index.get(f), d == null ? null : java.sql.Date.valueOf(d)));
    }
    StructType schema = new StructType().add(PATH, DataTypes.StringType, false).add(FILE, DataTypes.IntegerType, false)
        .add(DAY, DataTypes.DateType, true);
    Dataset<Row> table = df.sparkSession().createDataFrame(rows, schema);
    // Row order within one scan follows file order within a file (splits of a file keep their
    // order); ordering by (file, this id) therefore gives "last copy in the last file".
    return df.withColumn(PATH, col("_metadata.file_path")).withColumn(ORDER, monotonically_increasing_id())
        .join(org.apache.spark.sql.functions.broadcast(table), PATH).drop(PATH);
  }
}
