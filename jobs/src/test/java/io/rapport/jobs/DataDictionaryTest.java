package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.marts.KpiMonthly;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.ReviewSummary;
import io.rapport.pipeline.Tables;
import io.rapport.schema.StagedSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The data dictionary (docs/tables/) against the schema constants the code writes: every column
 * of every published table is documented, with its type, in the section of that table in the
 * file docs/tables/README.md names for it, and nothing documented there is missing from the table.
 * A column is a table row {@code | name | type | ...} of the table's {@code ## name} section; one
 * row may document a numbered run of columns ({@code rating_1 .. rating_5}).
 */
class DataDictionaryTest {
  /** Each published table's declared schema, as written (the writer adds as_of_date). */
  static final Map<String, StructType> SCHEMAS = new LinkedHashMap<>();

  static {
    SCHEMAS.put(Tables.FACT_ORDERS, FactOrders.SCHEMA);
    SCHEMAS.put(Tables.FACT_SURVEY_RESPONSES, FactSurveyResponses.SCHEMA);
    SCHEMAS.put(Tables.FACT_REVIEWS, FactReviews.SCHEMA);
    SCHEMAS.put(Tables.CUSTOMER_FACTS, CustomerFacts.SCHEMA);
    SCHEMAS.put(Tables.RETENTION_COHORTS, RetentionCohorts.SCHEMA);
    SCHEMAS.put(Tables.CUSTOMER_CHURN, CustomerChurn.SCHEMA);
    SCHEMAS.put(Tables.CHURN_MONTHLY, ChurnMonthly.SCHEMA);
    SCHEMAS.put(Tables.CUSTOMER_CLV, CustomerClv.SCHEMA);
    SCHEMAS.put(Tables.CLV_MODEL, ClvModelTable.SCHEMA);
    SCHEMAS.put(Tables.NPS_SUMMARY, NpsSummary.SCHEMA);
    SCHEMAS.put(Tables.CSAT_SUMMARY, CsatSummary.SCHEMA);
    SCHEMAS.put(Tables.REVIEW_SUMMARY, ReviewSummary.SCHEMA);
    SCHEMAS.put(Tables.KPI_MONTHLY, KpiMonthly.SCHEMA);
    SCHEMAS.put(Tables.REJECTS, StagedSchemas.REJECTS);
  }

  static final Path DOCS = JobTestSupport.projectRoot().resolve("docs/tables");

  @Test
  void everyPublishedTableHasADeclaredSchemaAndADictionaryFile() throws IOException {
    assertEquals(Tables.PUBLISHED, List.copyOf(SCHEMAS.keySet()), "a published table without its schema in this test");
    Map<String, String> files = filesByTable();
    List<String> problems = new ArrayList<>();
    for (String table : Tables.PUBLISHED) {
      String file = files.get(table);
      if (file == null) {
        problems.add(table + ": not listed in docs/tables/README.md");
      } else if (!Files.exists(DOCS.resolve(file))) {
        problems.add(table + ": docs/tables/README.md names " + file + ", which does not exist (yet)");
      }
    }
    assertTrue(problems.isEmpty(), "Data dictionary files missing:\n  " + String.join("\n  ", problems));
  }

  @Test
  void everyColumnOfEveryPublishedTableIsDocumentedWithItsType() throws IOException {
    Map<String, String> files = filesByTable();
    List<String> undocumented = new ArrayList<>();
    List<String> wrongType = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (var entry : SCHEMAS.entrySet()) {
      String table = entry.getKey();
      String file = files.get(table);
      Path path = file == null ? null : DOCS.resolve(file);
      if (path == null || !Files.exists(path)) {
        undocumented.add(table + ": every column (" + String.join(", ", entry.getValue().fieldNames())
            + ") - no dictionary file " + (file == null ? "listed in docs/tables/README.md" : "docs/tables/" + file));
        continue;
      }
      Map<String, String> documented = section(Files.readString(path), table);
      if (documented == null) {
        undocumented.add(table + ": no section '## " + table + "' in docs/tables/" + file);
        continue;
      }
      for (StructField field : entry.getValue().fields()) {
        String type = documented.get(field.name());
        if (type == null) {
          undocumented.add(table + "." + field.name() + " (" + docType(field.dataType()) + ") in docs/tables/" + file);
        } else if (!normalise(type).equals(docType(field.dataType()))
            && !normalise(type).equals(alias(docType(field.dataType())))) {
          wrongType.add(table + "." + field.name() + ": documented as " + type + ", declared " + docType(field.dataType()));
        }
      }
      for (String column : documented.keySet()) {
        if (!List.of(entry.getValue().fieldNames()).contains(column)) {
          stale.add(table + "." + column + " in docs/tables/" + file);
        }
      }
    }
    StringBuilder message = new StringBuilder();
    report(message, "Undocumented columns", undocumented);
    report(message, "Documented with another type", wrongType);
    report(message, "Documented but not in the table's SCHEMA", stale);
    if (message.length() > 0) {
      fail("The data dictionary (docs/tables/) does not match the schema constants:\n" + message);
    }
  }

  @Test
  void theSectionParserReadsColumnsAndTypesOfOneTableOnly() {
    String doc = """
        # Title
        ## first
        | column | type | unit | definition |
        |---|---|---|---|
        | `a` | long | | x |
        | b | map<string, double> | | y |
        | r_1 .. r_3 | long | | z |
        ## second
        | column | type |
        |---|---|
        | c | string |
        """;

    assertEquals(Map.of("a", "long", "b", "map<string, double>", "r_1", "long", "r_2", "long", "r_3", "long"),
        section(doc, "first"));
    assertEquals(Map.of("c", "string"), section(doc, "second"));
    assertEquals(null, section(doc, "third"));
  }

  /** docs/tables/README.md: "| table | grain | [file.md](file.md) |". */
  static Map<String, String> filesByTable() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    Pattern row = Pattern.compile("^\\|\\s*`?([a-z_]+)`?\\s*\\|[^|]*\\|\\s*\\[[^]]*]\\(([^)]+)\\)");
    for (String line : Files.readAllLines(DOCS.resolve("README.md"))) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        files.put(m.group(1), m.group(2));
      }
    }
    return files;
  }

  /** Column name to documented type in the {@code ## table} section, or null without such a section. */
  static Map<String, String> section(String markdown, String table) {
    Map<String, String> columns = new LinkedHashMap<>();
    boolean inside = false;
    boolean found = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("## ")) {
        inside = line.substring(3).trim().equals(table);
        found |= inside;
        continue;
      }
      if (inside && line.startsWith("|") && !line.startsWith("|---") && !line.startsWith("| column")) {
        String[] cells = line.split("(?<!\\\\)\\|");
        if (cells.length >= 3) {
          String type = cells[2].trim().replace("`", "");
          for (String column : expand(cells[1].trim().replace("`", ""))) {
            columns.put(column, type);
          }
        }
      }
    }
    return found ? columns : null;
  }

  /** One documented row may stand for a numbered run of columns: "rating_1 .. rating_5". */
  static List<String> expand(String cell) {
    Matcher range = Pattern.compile("([a-z_]+?)(\\d+)\\s*\\.\\.\\s*([a-z_]+?)(\\d+)").matcher(cell);
    if (!range.matches() || !range.group(1).equals(range.group(3))) {
      return List.of(cell);
    }
    List<String> columns = new ArrayList<>();
    for (int i = Integer.parseInt(range.group(2)); i <= Integer.parseInt(range.group(4)); i++) {
      columns.add(range.group(1) + i);
    }
    return columns;
  }

  /** The spelling the dictionary uses: long, int, string, decimal(18,4), map<string,double>... */
  static String docType(DataType type) {
    if (type.equals(DataTypes.LongType)) {
      return "long";
    } else if (type.equals(DataTypes.IntegerType)) {
      return "int";
    } else if (type instanceof DecimalType d) {
      return "decimal(" + d.precision() + "," + d.scale() + ")";
    } else if (type instanceof MapType m) {
      return "map<" + docType(m.keyType()) + "," + docType(m.valueType()) + ">";
    }
    return type.typeName();
  }

  private static String alias(String type) {
    return switch (type) {
      case "long" -> "bigint";
      case "int" -> "integer";
      default -> type;
    };
  }

  private static String normalise(String type) {
    return type.toLowerCase().replaceAll("\\s+", "");
  }

  private static void report(StringBuilder message, String heading, List<String> lines) {
    if (!lines.isEmpty()) {
      message.append(heading).append(" (").append(lines.size()).append("):\n  ")
          .append(String.join("\n  ", new TreeSet<>(lines))).append('\n');
    }
  }
}
