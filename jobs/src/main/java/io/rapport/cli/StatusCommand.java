package io.rapport.cli;

import io.rapport.jobs.JobRepositories;
import io.rapport.jobs.RapportJobConfiguration;
import io.rapport.jobs.RunLauncher;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show runs and their steps from the job repository, newest first.")
final class StatusCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Option(names = "--as-of", paramLabel = "DATE", description = "Only runs for this as-of date.")
  String asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N job instances (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    var settings = Settings.load(config).settings();
    RunCommand.parseDate(asOf);
    JobRepository jobs = JobRepositories.open(settings.jobRepository().url()).jobRepository();
    List<JobInstance> instances = jobs.getJobInstances(RapportJobConfiguration.JOB_NAME, 0, 10_000);
    int shown = 0;
    for (JobInstance instance : instances) {
      List<JobExecution> executions = jobs.getJobExecutions(instance);
      if (executions.isEmpty()) {
        continue;
      }
      String date = executions.get(0).getJobParameters().getString(RunLauncher.PARAM_AS_OF);
      if (asOf != null && !asOf.equals(date) || shown >= limit) {
        continue;
      }
      shown++;
      Long rerun = executions.get(0).getJobParameters().getLong(RunLauncher.PARAM_RERUN);
      System.out.printf("as_of_date=%s  instance %d%s%n", date, instance.getInstanceId(), rerun == null ? "" : " (forced re-run " + rerun + ")");
      executions.sort(Comparator.comparing(JobExecution::getId));
      for (JobExecution execution : executions) {
        System.out.printf("  execution %d  %-9s started %s  %s%n", execution.getId(), execution.getStatus(),
            execution.getStartTime() == null ? "-" : TIME.format(execution.getStartTime()),
            execution.getExitStatus().getExitDescription().lines().findFirst().orElse(""));
        execution.getStepExecutions().stream().sorted(Comparator.comparing(StepExecution::getId)).forEach(step ->
            System.out.printf("    %-13s %-9s read %d, filtered %d, written %d%n", step.getStepName(), step.getStatus(),
                step.getReadCount(), step.getFilterCount(), step.getWriteCount()));
      }
    }
    if (shown == 0) {
      System.out.println(asOf == null ? "No runs yet." : "No runs for " + asOf + ".");
    }
    return 0;
  }
}
