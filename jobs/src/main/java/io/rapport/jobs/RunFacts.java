package io.rapport.jobs;

import io.rapport.catalog.Step;
import io.rapport.pipeline.PublishStage;
import io.rapport.warehouse.Manifest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/** Gathers what the manifest needs from the job repository: identity and each step's last timing. */
final class RunFacts {
  private RunFacts() {}

  static PublishStage.RunFacts of(RunContext context, JobRepository repository, StepExecution publishStep) {
    JobInstance instance = publishStep.getJobExecution().getJobInstance();
    List<Manifest.StepTiming> timings = new ArrayList<>();
    for (String step : PublishStage.STAGES) {
      // After a restart, a completed step's timing is that of the execution that ran it.
      StepExecution last = repository.getLastStepExecution(instance, step);
      if (last != null) {
        timings.add(new Manifest.StepTiming(step, last.getStatus().name(), seconds(last)));
      }
    }
    timings.add(new Manifest.StepTiming(Step.PUBLISH.id(), "STARTED", seconds(publishStep)));
    LocalDateTime started = publishStep.getJobExecution().getStartTime();
    return new PublishStage.RunFacts(Versions.rapport(), instance.getInstanceId(),
        publishStep.getJobExecutionId(), context.loaded().file().toString(), context.loaded().digest(),
        (started != null ? started : LocalDateTime.now()).toInstant(ZoneOffset.UTC), timings);
  }

  static double seconds(StepExecution step) {
    if (step.getStartTime() == null) {
      return 0;
    }
    LocalDateTime end = step.getEndTime() != null ? step.getEndTime() : LocalDateTime.now();
    return Duration.between(step.getStartTime(), end).toMillis() / 1000.0;
  }
}
