package io.rapport.staging;

import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

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
  static final String FILE = "_source_file";
  static final String ORDER = "_row_order";

  /** One file's columns; {@code empty} for a file with no rows and no header. */
  record FileLayout(String file, List<String> columns, boolean empty, boolean onlyCorrupt) {}

  /** The columns of each file: CSV header read directly, JSON schema inferred, Parquet footer. */
  static List<FileLayout> layouts(SparkSession spark, SourceContract contract, List<String> files) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> options = contract.settings.options();
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
            List<String> names = List.of(spark.read().options(options).parquet(file).schema().fieldNames());
            out.add(new FileLayout(file, names, false, false));
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
      throw new UncheckedIOException("Cannot stat " + file, e);
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
   * Reads the non-empty files. CSV files are grouped by header so that files with the same columns
   * in another order are still read by name; groups are combined by column name.
   */
  static Dataset<Row> read(SparkSession spark, SourceContract contract, List<FileLayout> layouts) {
    List<FileLayout> nonEmpty = layouts.stream().filter(l -> !l.empty()).toList();
    if (nonEmpty.isEmpty()) {
      return null;
    }
    Map<String, String> options = contract.settings.options();
    SourceFormat format = contract.settings.format();
    if (format == SourceFormat.PARQUET) {
      Dataset<Row> df = spark.read().options(options).option("mergeSchema", "true")
          .parquet(nonEmpty.stream().map(FileLayout::file).toArray(String[]::new));
      return withOrigin(df.withColumn(CORRUPT, lit(null).cast(DataTypes.StringType)));
    }
    if (format == SourceFormat.JSONL) {
      StructType schema = stringSchema(exportColumns(nonEmpty));
      Dataset<Row> df = permissive(spark.read().options(options), schema)
          .json(nonEmpty.stream().map(FileLayout::file).toArray(String[]::new));
      return withOrigin(df);
    }
    Map<List<String>, List<String>> groups = new LinkedHashMap<>();
    for (FileLayout l : nonEmpty) {
      groups.computeIfAbsent(l.columns(), k -> new ArrayList<>()).add(l.file());
    }
    Map<String, String> csvOptions = new HashMap<>();
    csvOptions.put("header", "true");
    csvOptions.put("multiLine", "true");
    csvOptions.put("escape", "\"");
    for (Map.Entry<String, String> e : options.entrySet()) {
      csvOptions.keySet().removeIf(k -> k.equalsIgnoreCase(e.getKey()));
      csvOptions.put(e.getKey(), e.getValue());
    }
    Dataset<Row> all = null;
    for (Map.Entry<List<String>, List<String>> g : groups.entrySet()) {
      Dataset<Row> df = withOrigin(permissive(spark.read().options(csvOptions), stringSchema(g.getKey()))
          .csv(g.getValue().toArray(String[]::new)));
      all = all == null ? df : all.unionByName(df, true);
    }
    return all;
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

  private static Dataset<Row> withOrigin(Dataset<Row> df) {
    // Row order within one read follows file order within a file (splits of a file keep their
    // order); ordering by (file, this id) therefore gives "last copy in the last file".
    return df.withColumn(FILE, input_file_name()).withColumn(ORDER, monotonically_increasing_id());
  }
}
