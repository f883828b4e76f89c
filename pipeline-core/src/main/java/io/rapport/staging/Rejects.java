package io.rapport.staging;

import static io.rapport.schema.StagedSchemas.RAW_RECORD;
import static io.rapport.schema.StagedSchemas.REASON_CODE;
import static io.rapport.schema.StagedSchemas.REASON_DETAIL;
import static io.rapport.schema.StagedSchemas.SOURCE;
import static io.rapport.schema.StagedSchemas.SOURCE_FILE;
import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.Check;
import io.rapport.schema.TableSpec;
import java.util.Arrays;

/** The {@code rejects} table: every input row that failed a rule, with the rule and the row as read. */
public final class Rejects {
  private Rejects() {}

  public static final TableSpec TABLE = TableSpec.table("rejects")
      .grain("One row per rejected input row of one as-of date's run (every source).")
      .notes("Every input row ends in exactly one place: accepted, rejected (here), dropped as an exact duplicate of"
          + " a later copy with the same natural key, or left out because its event is after the as-of date. The"
          + " manifest's inputs section reconciles them per source: read = accepted + rejected + duplicates +"
          + " after_as_of. Written by the ingest step.")
      .documentedIn("rejects.md")
      .builtBy(Staging.class)
      .column(SOURCE, StringType, REQUIRED, "", "`purchases`, `surveys` or `reviews`")
      .column(SOURCE_FILE, StringType, NULLABLE, "", "the file the row came from (full URI)")
      .column(REASON_CODE, StringType, REQUIRED, "",
          "why it was rejected: the first failing rule (codes in docs/tables/reject-reasons.md)")
      .column(REASON_DETAIL, StringType, NULLABLE, "",
          "a readable sentence naming the column and the value, e.g. `quantity '0' must be a non-zero integer`")
      .column(RAW_RECORD, StringType, NULLABLE, "",
          "the original line for malformed rows; otherwise the row's source fields as JSON")
      .check(Check.rule("source_in_domain", "source is purchases, surveys or reviews",
          col(SOURCE).isin(Arrays.stream(SourceName.values()).map(SourceName::id).toArray())))
      .check(Check.rule("reason_code_in_domain", "reason_code is one of the documented reject reasons",
          col(REASON_CODE).isin(Arrays.stream(RejectReason.values()).map(RejectReason::code).toArray())))
      .build();
}
