package io.rapport.pipeline;

import io.rapport.catalog.Step;
import io.rapport.config.RapportSettings;
import io.rapport.privacy.Pseudonymiser;
import io.rapport.schema.StagedSchemas;
import io.rapport.staging.Rejects;
import io.rapport.staging.SourceCounts;
import io.rapport.staging.SourceName;
import io.rapport.staging.Staging;
import io.rapport.staging.StagingResult;
import io.rapport.warehouse.Manifest.SourceAccounting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Step 1, ingest and validate: stages every source's new and changed files into the staged
 * history under {@code <warehouse>/_staged} (read, map, validate once per file), cuts the whole
 * history at the as-of date and de-duplicates it, keeps the accepted rows for the next step and
 * writes {@code rejects}.
 */
public final class IngestStage {
  public static final String NAME = Step.INGEST.id();

  private IngestStage() {}

  public static StageReport run(PipelineRun run) {
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, SourceAccounting> inputs = new LinkedHashMap<>();
    RapportSettings settings = run.settings();
    byte[] pseudonymKey = settings.privacy().pseudonymiseCustomerIds() ? Pseudonymiser.key(settings.privacy()) : null;
    Dataset<Row> rejects = run.spark().createDataFrame(List.of(), Rejects.TABLE.schema());
    List<String> notes = new ArrayList<>();
    // The sources have their own staged histories, ledgers and locks: staged at the same time.
    List<SourceName> sources = List.of(SourceName.values());
    List<StagingResult> cached = StageTables.concurrently(NAME, sources, source -> {
      run.describe(NAME, "stage " + source.id());
      return Staging.stage(run.spark(), source, settings, run.asOf(),
          Staging.stagedRoot(settings.warehouse()), new Path(new Path(run.staging(), "_work"), "_cut_" + source.id()));
    });
    for (int i = 0; i < sources.size(); i++) {
      SourceName source = sources.get(i);
      StagingResult staged = cached.get(i);
      if (staged.note() != null) {
        notes.add(staged.note());
      }
      if (pseudonymKey == null && staged.acceptedFolder() != null) {
        // The cut wrote the accepted rows in their final columns: moved, not written again.
        run.adoptWork(stagedName(source), staged.acceptedFolder());
        rows.put(stagedName(source), staged.counts().accepted());
      } else {
        Dataset<Row> accepted = pseudonymKey == null ? staged.accepted()
            : Pseudonymiser.withPseudonymousCustomerIds(staged.accepted(), pseudonymKey);
        rows.put(stagedName(source), run.writeWork(stagedName(source), accepted));
      }
      rejects = rejects.unionByName(staged.rejects());
      inputs.put(source.id(), accounting(staged));
    }
    if (pseudonymKey != null) {
      rejects = Pseudonymiser.withPseudonymousRawRecords(rejects, customerColumns(settings), pseudonymKey);
    }
    run.describe(NAME, "write rejects");
    rows.put(Rejects.TABLE.name(), run.write(Rejects.TABLE, rejects));
    // The next steps read the written Parquet; keeping the staging caches would only crowd the heap.
    cached.forEach(StagingResult::unpersist);
    StageReport report = new StageReport(NAME, rows, inputs, List.of(), notes);
    run.saveReport(report);
    return report;
  }

  /** Each source's export column holding the customer id (none when it comes from an expression). */
  private static Map<String, String> customerColumns(RapportSettings settings) {
    Map<String, String> columns = new HashMap<>();
    for (SourceName source : SourceName.values()) {
      RapportSettings.Source config = source.settings(settings);
      if (config != null && !config.expressions().containsKey(StagedSchemas.CUSTOMER_ID)) {
        columns.put(source.id(), config.sourceColumn(StagedSchemas.CUSTOMER_ID));
      }
    }
    return columns;
  }

  /** The work-area name of a source's accepted rows, read by the facts step. */
  static String stagedName(SourceName source) {
    return "staged_" + source.id();
  }

  private static SourceAccounting accounting(StagingResult staged) {
    SourceCounts c = staged.counts();
    return new SourceAccounting(staged.files(), c.read(), c.accepted(), c.rejected(), c.duplicates(),
        c.afterAsOf(), c.rejectedByReason(), staged.roundedPrices());
  }
}
