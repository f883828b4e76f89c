package io.rapport.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which published runs a date's baseline uses: earlier ones only, the latest N, reset at an accepted change. */
class AnomalyBaselineTest {
  private static final LocalDate D = LocalDate.of(2025, 8, 31);

  private static AnomalyBaseline.PublishedRun run(LocalDate asOf, double orders, String... accepted) {
    return new AnomalyBaseline.PublishedRun(asOf, Map.of("orders_28d", orders), Set.of(accepted));
  }

  private static List<LocalDate> dates(List<MetricVerdict.Point> points) {
    return points.stream().map(MetricVerdict.Point::asOf).toList();
  }

  @Test
  void onlyEarlierRunsTheLatestNNewestFirst() {
    List<AnomalyBaseline.PublishedRun> published = List.of(
        run(D.minusWeeks(5), 1), run(D.minusWeeks(1), 2), run(D.minusWeeks(3), 3), run(D.minusWeeks(2), 4),
        run(D.minusWeeks(4), 5), run(D, 99), run(D.plusWeeks(1), 98));

    List<AnomalyBaseline.PublishedRun> candidates = AnomalyBaseline.candidates(published, D, 3);

    // D itself (a published snapshot being replaced by --force) and the later week are not looked at.
    assertEquals(List.of(D.minusWeeks(1), D.minusWeeks(2), D.minusWeeks(3)),
        candidates.stream().map(AnomalyBaseline.PublishedRun::asOf).toList());
  }

  @Test
  void repairedReRunGetsTheBaselineOfTheFirstAttempt() {
    // The first attempt of D failed (no manifest: not in the published list). A week later D+7 is
    // published, then D is repaired: its baseline is still the three weeks before D.
    List<AnomalyBaseline.PublishedRun> firstAttempt = List.of(run(D.minusWeeks(1), 400), run(D.minusWeeks(2), 410),
        run(D.minusWeeks(3), 395));
    List<AnomalyBaseline.PublishedRun> atRepair = List.of(run(D.minusWeeks(1), 400), run(D.minusWeeks(2), 410),
        run(D.minusWeeks(3), 395), run(D.plusWeeks(1), 150));

    List<MetricVerdict.Point> before = AnomalyBaseline.points("orders_28d", AnomalyBaseline.candidates(firstAttempt, D, 7));
    List<MetricVerdict.Point> after = AnomalyBaseline.points("orders_28d", AnomalyBaseline.candidates(atRepair, D, 7));

    assertEquals(before, after);
  }

  @Test
  void anAcceptedChangeStartsTheBaselineAtItsRun() {
    // Week -2 accepted a tenfold revenue (a new currency): week -1 and -2 are the new level, the
    // older weeks are not mixed in (with them the median would stay at the old level for 4 weeks).
    List<AnomalyBaseline.PublishedRun> published = List.of(run(D.minusWeeks(1), 1000), run(D.minusWeeks(2), 990, "orders_28d"),
        run(D.minusWeeks(3), 100), run(D.minusWeeks(4), 101));

    List<MetricVerdict.Point> points = AnomalyBaseline.points("orders_28d", AnomalyBaseline.candidates(published, D, 7));

    assertEquals(List.of(D.minusWeeks(1), D.minusWeeks(2)), dates(points));
  }

  @Test
  void runsWithoutTheMetricAreSkipped() {
    List<AnomalyBaseline.PublishedRun> published = List.of(
        new AnomalyBaseline.PublishedRun(D.minusWeeks(1), Map.of(), Set.of()), run(D.minusWeeks(2), 4), run(D.minusWeeks(3), 5));

    assertEquals(List.of(D.minusWeeks(2), D.minusWeeks(3)),
        dates(AnomalyBaseline.points("orders_28d", AnomalyBaseline.candidates(published, D, 7))));
  }
}
