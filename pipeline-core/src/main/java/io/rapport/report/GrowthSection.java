package io.rapport.report;

import io.rapport.marts.CustomerLifecycleMonthly;
import io.rapport.marts.RevenueBridgeMonthly;
import java.util.List;

/** Growth: the lifecycle chart, the revenue bridge of the last complete month as a waterfall, and its trend. */
final class GrowthSection implements ReportSection {
  @Override
  public String id() {
    return "growth";
  }

  @Override
  public String title() {
    return "Growth: customers and revenue";
  }

  @Override
  public Part part() {
    return Part.GROWTH;
  }

  @Override
  public String render(ReportContext context) {
    ReportData data = context.data();
    List<ReportData.BridgeMonth> bridge = data.bridge();
    ReportData.BridgeMonth lastComplete = null;
    for (ReportData.BridgeMonth m : bridge) {
      if (m.complete()) {
        lastComplete = m;
      }
    }
    String bridgeProblem = data.problems().get(RevenueBridgeMonthly.TABLE.name());
    return Charts.lifecycle(data.lifecycle(), data.problems().get(CustomerLifecycleMonthly.TABLE.name()))
        + Charts.revenueWaterfall(lastComplete, context.currency(), bridgeProblem)
        + Charts.revenueBridgeTrend(bridge, context.currency(), bridgeProblem);
  }
}
