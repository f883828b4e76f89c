package io.rapport.jobs;

import java.time.Duration;
import java.time.LocalDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/** One log line per step: its name, status, counts and elapsed time. */
final class StepLogger implements StepExecutionListener {
  private static final Logger LOG = LoggerFactory.getLogger("io.rapport.step");

  @Override
  public void beforeStep(StepExecution step) {
    LOG.info("step {} started", step.getStepName());
  }

  @Override
  public ExitStatus afterStep(StepExecution step) {
    LocalDateTime end = step.getEndTime() != null ? step.getEndTime() : LocalDateTime.now();
    double seconds = Duration.between(step.getStartTime(), end).toMillis() / 1000.0;
    LOG.info("step {} {}: read {}, filtered {}, written {} in {} s", step.getStepName(), step.getStatus(),
        step.getReadCount(), step.getFilterCount(), step.getWriteCount(), String.format("%.1f", seconds));
    return step.getExitStatus();
  }
}
