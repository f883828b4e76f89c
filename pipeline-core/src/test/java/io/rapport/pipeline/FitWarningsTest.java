package io.rapport.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run summary's CLV sentences: only the fits behind the per-customer columns null them. */
class FitWarningsTest {

  @Test
  void unselectedModelsAreNamedAsSuchAndTheCorrelationWarningReachesTheSummary() {
    ModelFit bg = new ModelFit("bg_nbd", Map.of(), Map.of(), -1, 10, 5, true, "boundary solution: test", null);
    ModelFit pareto = ModelFit.failed("pareto_nbd", 10, "optimiser did not converge");
    ModelFit mbg = new ModelFit("mbg_nbd", Map.of(), Map.of(), -1, 10, 5, true, null, null);
    ModelFit gg = new ModelFit("gamma_gamma", Map.of(), Map.of(), -1, 10, 5, true,
        "frequency and monetary value of repeat buyers are correlated (r = 0.412, |r| > 0.3)", null);
    ClvFits fits = new ClvFits(List.of(bg, pareto, mbg), "mbg_nbd", "auto: ...", gg, 0.412, null);

    assertEquals(List.of(
        "CLV model bg_nbd (not selected): boundary solution: test",
        "CLV model pareto_nbd not fitted: optimiser did not converge (not selected)",
        "CLV model gamma_gamma: frequency and monetary value of repeat buyers are correlated (r = 0.412, |r| > 0.3)"),
        BuildStage.fitWarnings(fits));
  }

  @Test
  void theSelectedModelNotFittedNullsItsColumns() {
    ModelFit bg = ModelFit.failed("bg_nbd", 3, "too few repeat buyers");
    ModelFit gg = new ModelFit("gamma_gamma", Map.of(), Map.of(), -1, 10, 5, true, null, null);
    assertEquals(List.of("CLV model bg_nbd not fitted: too few repeat buyers; its per-customer columns are null"),
        BuildStage.fitWarnings(new ClvFits(bg, gg)));
  }
}
