package io.rapport.catalog;

import io.rapport.clv.ClvFitting;
import io.rapport.clv.HoldoutValidation;
import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.CustomerMonthStatus;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.ClvSegmentSummary;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.CustomerLifecycleMonthly;
import io.rapport.marts.CustomerMonthly;
import io.rapport.marts.CustomerSegments;
import io.rapport.marts.FactOrders;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.marts.KpiMonthly;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.RevenueBridgeMonthly;
import io.rapport.marts.ReviewSummary;
import io.rapport.marts.VoiceMonthly;
import io.rapport.quality.RunMetrics;
import io.rapport.schema.TableSpec;
import io.rapport.staging.Rejects;
import io.rapport.staging.SourceName;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every table Rapport writes, and how a run builds it: the pipeline in one file. Each entry names
 * a table (declared beside its builder, e.g. {@link CustomerFacts#TABLE}), the {@link Step} that
 * writes it, and the call that builds it from the run's inputs. Entries start in list order, so a
 * table may read every table above it (and only those: a step builds the tables that do not
 * read each other at the same time). The quality gate, the manifest, publish,
 * {@code rapport sql}, the run report and the data dictionary (docs/tables/) all iterate this
 * list: adding a table is its mart, one entry here, and its test.
 */
public final class Catalog {
  private Catalog() {}

  /** One table of a run: which step writes it and how (null: the step itself, e.g. staging writes rejects). */
  public record Entry(TableSpec table, Step step, Function<RunInputs, Dataset<Row>> build) {}

  /** The tables of a run in build order. */
  public static final List<Entry> RUN = List.of(
      new Entry(Rejects.TABLE, Step.INGEST, null),
      new Entry(FactOrders.TABLE, Step.FACTS,
          in -> FactOrders.build(in.staged(SourceName.PURCHASES), in.reportingZone())),
      new Entry(FactSurveyResponses.TABLE, Step.FACTS,
          in -> FactSurveyResponses.build(in.staged(SourceName.SURVEYS), in.reportingZone())),
      new Entry(FactReviews.TABLE, Step.FACTS,
          in -> FactReviews.build(in.staged(SourceName.REVIEWS), in.table(FactOrders.TABLE), in.reportingZone())),
      new Entry(CustomerPurchaseDays.TABLE, Step.FACTS,
          in -> CustomerPurchaseDays.build(in.table(FactOrders.TABLE))),
      new Entry(CustomerLifetimes.TABLE, Step.FACTS, in -> CustomerLifetimes.build(in.table(FactOrders.TABLE))),
      new Entry(CustomerFacts.TABLE, Step.FACTS,
          in -> CustomerFacts.build(in.table(FactOrders.TABLE), in.table(CustomerLifetimes.TABLE),
              in.table(FactSurveyResponses.TABLE), in.table(FactReviews.TABLE), in.asOf())),
      new Entry(RetentionCohorts.TABLE, Step.MODELS,
          in -> RetentionCohorts.build(in.table(FactOrders.TABLE), in.table(CustomerLifetimes.TABLE), in.asOf(),
              in.settings().retention().mode(),
              in.settings().retention().grain(), in.settings().reporting().weekStart())),
      new Entry(ChurnMonthly.TABLE, Step.MODELS,
          in -> ChurnMonthly.build(in.table(CustomerPurchaseDays.TABLE), in.asOf(), in.settings().churn().thresholdDays())),
      new Entry(CustomerSummaries.TABLE, Step.MODELS,
          in -> CustomerSummaries.build(in.table(CustomerPurchaseDays.TABLE), in.asOf(),
              ClvFitting.calibrationEnd(in.asOf(), in.settings().clv()), in.settings().clv().timeUnitDays())),
      new Entry(ClvModelTable.TABLE, Step.MODELS,
          in -> ClvModelTable.build(in.spark(), in.clvFits(), in.settings().clv().timeUnitDays())),
      new Entry(CustomerClv.TABLE, Step.MODELS,
          in -> CustomerClv.build(in.table(CustomerSummaries.TABLE), in.clvFits(), in.settings().clv())),
      // CLV model choice and intervals (#18): the backtest behind clv.model auto, segment totals with intervals.
      new Entry(HoldoutValidation.TABLE, Step.MODELS, in -> HoldoutValidation.table(in.spark(), in.clvFits())),
      new Entry(ClvSegmentSummary.TABLE, Step.MODELS,
          in -> ClvSegmentSummary.build(in.table(CustomerClv.TABLE), in.table(CustomerFacts.TABLE),
              in.table(CustomerLifetimes.TABLE), in.clvFits(), in.settings().clv(), in.asOf())),
      new Entry(CustomerChurn.TABLE, Step.MODELS,
          in -> CustomerChurn.withRisk(
              CustomerChurn.fromLifetimes(in.table(CustomerLifetimes.TABLE), in.asOf(),
                  in.settings().churn().thresholdDays()),
              in.table(CustomerClv.TABLE), in.settings().churn().riskBands())),
      new Entry(CustomerSegments.TABLE, Step.MODELS,
          in -> CustomerSegments.build(in.table(CustomerFacts.TABLE), in.table(CustomerClv.TABLE),
              in.table(CustomerChurn.TABLE))),
      new Entry(NpsSummary.TABLE, Step.MODELS,
          in -> NpsSummary.build(in.table(FactSurveyResponses.TABLE), in.table(CustomerSegments.TABLE),
              in.reportingZone(), in.settings().voice().minResponses())),
      new Entry(CsatSummary.TABLE, Step.MODELS,
          in -> CsatSummary.build(in.table(FactSurveyResponses.TABLE), in.table(CustomerSegments.TABLE),
              in.reportingZone(), in.settings().voice().minResponses())),
      new Entry(ReviewSummary.TABLE, Step.MODELS,
          in -> ReviewSummary.build(in.table(FactReviews.TABLE), in.reportingZone())),
      new Entry(VoiceMonthly.TABLE, Step.MODELS,
          in -> VoiceMonthly.build(in.table(FactSurveyResponses.TABLE), in.table(FactReviews.TABLE), in.reportingZone())),
      new Entry(KpiMonthly.TABLE, Step.MODELS,
          in -> KpiMonthly.build(in.table(FactOrders.TABLE), in.table(ChurnMonthly.TABLE), in.table(VoiceMonthly.TABLE),
              in.asOf())),
      // Growth accounting (#17): lifecycle, revenue bridge and the customer x month grid, reconciled with kpi_monthly.
      // The sparse statuses are built once for lifecycle and bridge; customer_monthly derives its own for the gate.
      new Entry(CustomerMonthStatus.TABLE, Step.MODELS,
          in -> CustomerMonthStatus.build(in.table(FactOrders.TABLE), in.table(CustomerLifetimes.TABLE), in.asOf())),
      new Entry(CustomerLifecycleMonthly.TABLE, Step.MODELS,
          in -> CustomerLifecycleMonthly.build(in.table(CustomerMonthStatus.TABLE), in.table(CustomerLifetimes.TABLE),
              in.asOf())),
      new Entry(RevenueBridgeMonthly.TABLE, Step.MODELS,
          in -> RevenueBridgeMonthly.build(in.table(CustomerMonthStatus.TABLE), in.table(CustomerLifetimes.TABLE),
              in.asOf())),
      new Entry(CustomerMonthly.TABLE, Step.MODELS,
          in -> CustomerMonthly.build(in.table(FactOrders.TABLE), in.table(CustomerLifetimes.TABLE), in.asOf())),
      // Run metrics and the anomaly gate (#15): written by the quality-gate step itself, from the tables above.
      new Entry(RunMetrics.TABLE, Step.QUALITY_GATE, null));

  /** The tables every run publishes, in build order. */
  public static final List<TableSpec> PUBLISHED = RUN.stream().map(Entry::table).filter(TableSpec::published).toList();

  /** Tables written by a command other than {@code run}. */
  public static final List<TableSpec> BY_COMMANDS = List.of();

  /** The entries a step builds, in build order. */
  public static List<Entry> builtIn(Step step) {
    return RUN.stream().filter(e -> e.step() == step && e.build() != null).toList();
  }

  /** Intermediate tables: written to a run's work area by one step, read by later ones, never published. */
  public static List<TableSpec> intermediate() {
    return RUN.stream().map(Entry::table).filter(t -> !t.published()).toList();
  }

  /** Every declared table, for the data dictionary. */
  public static List<TableSpec> all() {
    List<TableSpec> all = new java.util.ArrayList<>(PUBLISHED);
    all.addAll(intermediate());
    all.addAll(BY_COMMANDS);
    return List.copyOf(all);
  }

  public static List<String> publishedNames() {
    return PUBLISHED.stream().map(TableSpec::name).toList();
  }

  public static Optional<TableSpec> published(String name) {
    return PUBLISHED.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
