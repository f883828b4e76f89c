package io.rapport.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The declaration of one table: everything the writer, the quality gate, {@code rapport sql}, the
 * report and the data dictionary need to know about it, in one place. Each mart declares its
 * table beside the code that builds it ({@code CustomerFacts.TABLE}); {@code io.rapport.catalog.Catalog}
 * lists them all.
 *
 * @param name the table's folder under the warehouse root, e.g. {@code customer_facts}
 * @param grain one sentence: what one row is ("One row per customer with a purchase, for one as-of date.")
 * @param notes how the values are defined beyond each column's own sentence (may be empty)
 * @param dictionary the data-dictionary file under docs/tables/ that documents this table
 * @param builtBy the class whose {@code build} produces the table
 * @param published false for intermediate tables kept between steps and never published
 * @param columns the columns in written order
 * @param keys the columns that identify a row (empty when rows have no key)
 * @param checks the quality checks of the table, key uniqueness first
 */
public record TableSpec(
    String name, String grain, String notes, String dictionary, Class<?> builtBy, boolean published,
    List<ColumnSpec> columns, List<String> keys, List<Check> checks) {

  /** Every published table is partitioned by this column (SPEC 4); the writer adds it. */
  public static final String AS_OF_DATE = "as_of_date";

  public TableSpec {
    columns = List.copyOf(columns);
    keys = List.copyOf(keys);
    checks = List.copyOf(checks);
  }

  /** The Spark schema of the written frame (without {@link #AS_OF_DATE}, which is the folder). */
  public StructType schema() {
    StructType schema = new StructType();
    for (ColumnSpec c : columns) {
      schema = schema.add(c.name(), c.type(), c.nullable());
    }
    return schema;
  }

  public Optional<ColumnSpec> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** Starts the declaration of a published table. */
  public static Builder table(String name) {
    return new Builder(name, true);
  }

  /** Starts the declaration of an intermediate table (kept between steps, never published). */
  public static Builder intermediate(String name) {
    return new Builder(name, false);
  }

  /** Whether a column may hold nulls: the declarations read "column(NAME, type, REQUIRED, ...)". */
  public static final boolean REQUIRED = false;
  public static final boolean NULLABLE = true;

  /** Builds a {@link TableSpec}; every method returns the builder. */
  public static final class Builder {
    private final String name;
    private final boolean published;
    private String grain;
    private String notes = "";
    private String dictionary;
    private Class<?> builtBy;
    private final List<ColumnSpec> columns = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();

    private Builder(String name, boolean published) {
      this.name = name;
      this.published = published;
    }

    public Builder grain(String sentence) {
      this.grain = sentence;
      return this;
    }

    public Builder notes(String text) {
      this.notes = text;
      return this;
    }

    /** The docs/tables/ file the table is documented in, e.g. {@code customer-tables.md}. */
    public Builder documentedIn(String file) {
      this.dictionary = file;
      return this;
    }

    public Builder builtBy(Class<?> type) {
      this.builtBy = type;
      return this;
    }

    public Builder column(String column, DataType type, boolean nullable, String unit, String definition) {
      columns.add(new ColumnSpec(column, type, nullable, unit, definition));
      return this;
    }

    /** The identifying columns; adds the {@code keys_unique_and_non_null} check. */
    public Builder key(String... columnNames) {
      Collections.addAll(keys, columnNames);
      checks.add(0, new Check.UniqueKey("keys_unique_and_non_null", Severity.ERROR,
          "key (" + String.join(", ", columnNames) + ") is unique and its non-null columns are present",
          List.of(columnNames)));
      return this;
    }

    public Builder check(Check check) {
      checks.add(check);
      return this;
    }

    public TableSpec build() {
      if (grain == null || dictionary == null || builtBy == null) {
        throw new IllegalStateException("Table " + name + " needs a grain, a dictionary file and its builder class");
      }
      Set<String> seen = new LinkedHashSet<>();
      for (ColumnSpec c : columns) {
        if (!seen.add(c.name())) {
          throw new IllegalStateException("Table " + name + " declares column " + c.name() + " twice");
        }
      }
      for (String k : keys) {
        if (!seen.contains(k)) {
          throw new IllegalStateException("Table " + name + " has key column " + k + " that it does not declare");
        }
      }
      Set<String> checkNames = new LinkedHashSet<>();
      for (Check c : checks) {
        if (!checkNames.add(c.name())) {
          throw new IllegalStateException("Table " + name + " declares check " + c.name() + " twice");
        }
      }
      return new TableSpec(name, grain, notes, dictionary, builtBy, published, columns, keys, checks);
    }
  }
}
