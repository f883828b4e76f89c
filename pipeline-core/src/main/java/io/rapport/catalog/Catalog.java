package io.rapport.catalog;

import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.intermediate.CustomerSummaries;
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
import io.rapport.marts.VoiceMonthly;
import io.rapport.models.HoldoutValidation;
import io.rapport.schema.TableSpec;
import io.rapport.staging.Rejects;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every table Rapport writes, in one list: what a run publishes (SPEC section 4, in that order),
 * what it keeps between steps, and what commands write. The quality gate, the manifest, the
 * publish step, {@code rapport sql}, the run report and the data dictionary (docs/tables/) all
 * iterate these lists, so a new table is declared once: its {@code TABLE} beside its builder,
 * and one line here.
 */
public final class Catalog {
  private Catalog() {}

  /** The tables every run publishes, in SPEC section 4 order. */
  public static final List<TableSpec> PUBLISHED = List.of(
      FactOrders.TABLE,
      FactSurveyResponses.TABLE,
      FactReviews.TABLE,
      CustomerFacts.TABLE,
      RetentionCohorts.TABLE,
      CustomerChurn.TABLE,
      ChurnMonthly.TABLE,
      CustomerClv.TABLE,
      ClvModelTable.TABLE,
      NpsSummary.TABLE,
      CsatSummary.TABLE,
      ReviewSummary.TABLE,
      KpiMonthly.TABLE,
      Rejects.TABLE);

  /** Intermediate tables: written to a run's work area by one step, read by later ones, never published. */
  public static final List<TableSpec> INTERMEDIATE = List.of(
      CustomerPurchaseDays.TABLE,
      CustomerSummaries.TABLE,
      VoiceMonthly.TABLE);

  /** Tables written by a command other than {@code run}. */
  public static final List<TableSpec> BY_COMMANDS = List.of(HoldoutValidation.TABLE);

  /** Every declared table, for the data dictionary. */
  public static List<TableSpec> all() {
    List<TableSpec> all = new ArrayList<>(PUBLISHED);
    all.addAll(INTERMEDIATE);
    all.addAll(BY_COMMANDS);
    return List.copyOf(all);
  }

  public static List<String> publishedNames() {
    return PUBLISHED.stream().map(TableSpec::name).toList();
  }

  /** The published table named {@code name}. */
  public static Optional<TableSpec> published(String name) {
    return PUBLISHED.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
