package io.rapport.staging;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.RapportSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.schema.StagedSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How one source's export maps onto its canonical input columns, and the checks on that mapping:
 * the configuration (format, zone, pattern, canonical names, expressions) and each file's columns.
 *
 * <p>Canonical column {@code c} = {@code expressions[c]} if given, else the export column
 * {@code columns[c]} (default: a column named {@code c}), else the constant {@code defaults[c]},
 * else null. A default also fills null or blank values of a present column.
 */
final class SourceContract {
  /** Canonical input columns per source (the staged schema minus derived columns). */
  static List<String> canonicalColumns(SourceName source) {
    return switch (source) {
      case PURCHASES -> List.of(StagedSchemas.ORDER_ID, StagedSchemas.LINE_NUMBER, StagedSchemas.CUSTOMER_ID,
          StagedSchemas.ORDER_TS, StagedSchemas.PRODUCT_ID, StagedSchemas.CATEGORY, StagedSchemas.QUANTITY,
          StagedSchemas.UNIT_PRICE, StagedSchemas.CURRENCY, StagedSchemas.STATUS, StagedSchemas.CHANNEL,
          StagedSchemas.COUNTRY);
      case SURVEYS -> List.of(StagedSchemas.RESPONSE_ID, StagedSchemas.CUSTOMER_ID, StagedSchemas.RESPONDED_AT,
          StagedSchemas.SURVEY_TYPE, StagedSchemas.SCORE, StagedSchemas.COMMENT, StagedSchemas.CHANNEL,
          StagedSchemas.TOUCHPOINT);
      case REVIEWS -> List.of(StagedSchemas.REVIEW_ID, StagedSchemas.CUSTOMER_ID, StagedSchemas.ORDER_ID,
          StagedSchemas.PRODUCT_ID, StagedSchemas.CATEGORY, StagedSchemas.RATING, StagedSchemas.TITLE,
          StagedSchemas.TEXT, StagedSchemas.CREATED_AT, StagedSchemas.REPLIED_AT);
    };
  }

  /** Canonical columns every file must provide (by column, expression or default). */
  static Set<String> requiredColumns(SourceName source) {
    return switch (source) {
      case PURCHASES -> Set.of(StagedSchemas.ORDER_ID, StagedSchemas.CUSTOMER_ID, StagedSchemas.ORDER_TS,
          StagedSchemas.QUANTITY, StagedSchemas.UNIT_PRICE);
      case SURVEYS -> Set.of(StagedSchemas.RESPONSE_ID, StagedSchemas.RESPONDED_AT, StagedSchemas.SURVEY_TYPE,
          StagedSchemas.SCORE);
      case REVIEWS -> Set.of(StagedSchemas.REVIEW_ID, StagedSchemas.RATING, StagedSchemas.CREATED_AT);
    };
  }

  /** Canonical columns of the optional exchange-rates file. */
  static final List<String> FX_COLUMNS = List.of("date", "currency", "rate");

  final String sourceId;
  final String key;
  final RapportSettings.Source settings;
  final List<String> canonical;
  final Set<String> required;
  final TimestampParser timestamps;

  SourceContract(String sourceId, String key, RapportSettings.Source settings, List<String> canonical,
      Set<String> required) {
    this.sourceId = sourceId;
    this.key = key;
    this.settings = settings;
    this.canonical = canonical;
    this.required = required;
    checkNames("columns", settings.columns().keySet());
    checkNames("expressions", settings.expressions().keySet());
    checkNames("defaults", settings.defaults().keySet());
    for (Map.Entry<String, String> e : settings.expressions().entrySet()) {
      try {
        functions.expr(e.getValue());
      } catch (Exception ex) {
        throw new ConfigurationException("Invalid " + key + ".expressions." + e.getKey() + " '" + e.getValue()
            + "': " + firstLine(ex.getMessage()));
      }
    }
    this.timestamps = new TimestampParser(settings.timestampFormat(), settings.timeZone());
  }

  static SourceContract of(SourceName source, RapportSettings.Source settings) {
    return new SourceContract(source.id(), "sources." + source.id(), settings, canonicalColumns(source),
        requiredColumns(source));
  }

  static SourceContract fxRates(RapportSettings.Source settings) {
    return new SourceContract("fx-rates", "sources.fx-rates", settings, FX_COLUMNS, Set.copyOf(FX_COLUMNS));
  }

  private void checkNames(String what, Set<String> names) {
    for (String n : names) {
      if (!canonical.contains(n)) {
        throw new ConfigurationException("Invalid " + key + "." + what + ": unknown canonical column '" + n
            + "' (known: " + String.join(", ", canonical) + ")");
      }
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The export column holding {@code canonical} in a file with these columns, if any. */
  static Optional<String> find(List<String> present, String name) {
    for (String p : present) {
      if (p.equals(name)) {
        return Optional.of(p);
      }
    }
    for (String p : present) {
      if (p.equalsIgnoreCase(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * What is missing from one file: export column -> canonical column it was needed for. A mapped
   * column ({@code columns[c]}) is needed unless a default covers it; an unmapped required column
   * is needed under its canonical name unless an expression or a default provides it; an
   * expression needs every column it references.
   */
  Map<String, String> missingColumns(SparkSession spark, List<String> present) {
    Map<String, String> missing = new LinkedHashMap<>();
    StructType schema = new StructType();
    for (String p : present) {
      schema = schema.add(p, DataTypes.StringType);
    }
    Dataset<Row> probe = null;
    for (String c : canonical) {
      String expression = settings.expressions().get(c);
      boolean hasDefault = settings.defaults().containsKey(c);
      if (expression != null) {
        if (probe == null) {
          probe = spark.createDataFrame(List.of(), schema);
        }
        Optional<String> unresolved = unresolvedColumn(probe, c, expression);
        unresolved.ifPresent(u -> missing.put(u, c + " (expression " + expression + ")"));
      } else if (settings.columns().containsKey(c) || (required.contains(c) && !hasDefault)) {
        String exportColumn = settings.sourceColumn(c);
        if (find(present, exportColumn).isEmpty() && !hasDefault) {
          missing.put(exportColumn, c);
        }
      }
    }
    return missing;
  }

  /** Resolves an expression against an empty frame (analysis only, no job). */
  private Optional<String> unresolvedColumn(Dataset<Row> probe, String canonicalName, String expression) {
    try {
      probe.select(functions.expr(expression)).schema();
      return Optional.empty();
    } catch (Exception e) {
      if (e instanceof AnalysisException ae && !(e instanceof ParseException)
          && ae.getErrorClass() != null && ae.getErrorClass().startsWith("UNRESOLVED_COLUMN")) {
        String name = ae.getMessageParameters().get("objectName");
        return Optional.of(name == null ? expression : name.replace("`", ""));
      }
      throw new ConfigurationException("Invalid " + key + ".expressions." + canonicalName + " '" + expression + "': "
          + firstLine(e.getMessage()));
    }
  }

  /** "Cannot read purchases from f: missing column InvoiceNo for canonical order_id (present: a, b)". */
  String missingMessage(String file, Map<String, String> missing, List<String> present) {
    StringBuilder sb = new StringBuilder("Cannot read ").append(sourceId).append(" from ").append(file).append(": missing ");
    boolean first = true;
    for (Map.Entry<String, String> e : missing.entrySet()) {
      sb.append(first ? "column " : ", column ").append(e.getKey()).append(" for canonical ").append(e.getValue());
      first = false;
    }
    return sb.append(" (present: ").append(String.join(", ", present)).append(")").toString();
  }

  /**
   * The canonical columns as raw values over the export's columns (every canonical column, in
   * {@link #canonical} order, under its canonical name). Values keep the export's type (string for
   * csv and jsonl); blank strings are kept here and treated by the per-source rules.
   */
  List<Column> canonicalValues(List<String> exportColumns) {
    List<Column> out = new ArrayList<>();
    for (String c : canonical) {
      String expression = settings.expressions().get(c);
      String dflt = settings.defaults().get(c);
      Column value;
      if (expression != null) {
        value = functions.expr(expression);
      } else {
        Optional<String> present = find(exportColumns, settings.sourceColumn(c));
        value = present.map(p -> col(quote(p))).orElse(null);
      }
      if (value == null) {
        value = dflt == null ? lit(null).cast(DataTypes.StringType) : lit(dflt);
      } else if (dflt != null) {
        Column asText = trim(value.cast(DataTypes.StringType));
        value = coalesce(when(asText.notEqual(lit("")), value.cast(DataTypes.StringType)), lit(dflt));
      }
      out.add(value.as(c));
    }
    return out;
  }

  /** Backtick-quotes a column name for col()/expr() (names may contain dots or spaces). */
  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
