package io.rapport.cli;

import io.rapport.jobs.JobRepositories;
import io.rapport.jobs.RapportJobConfiguration;
import io.rapport.jobs.RunLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the runs in the job repository and their steps, newest first.",
        "",
        "A run in progress is listed first with the step it is running; this works while the run holds the"
            + " embedded job repository. Reads the repository only: it never locks a date or changes a run."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the runs were listed (also when there are none)", "2:usage or configuration error"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport status",
        "  rapport status --as-of 2025-08-31 --config /etc/rapport/rapport.yaml",
        "  rapport status --json | jq '.running'"})
final class StatusCommand implements Callable<Integer>, JsonOutput.JsonCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Option(names = "--as-of", paramLabel = "DATE", description = "Only runs for this as-of date.")
  String asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N job instances (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print one JSON document instead of text (its fields: docs/json-output.md).")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  /** A run the repository shows as in progress, with the step it is in and whether its process lives. */
  record Running(String asOfDate, long instanceId, long executionId, String step, LocalDateTime stepStarted,
      Optional<RunLauncher.RunProcess> process) {}

  @Override
  public Integer call() {
    var settings = Settings.load(config).settings();
    RunCommand.parseDate(asOf);
    String url = settings.jobRepository().url();
    JobRepository jobs = JobRepositories.open(url).jobRepository();
    List<JobInstance> instances = jobs.getJobInstances(RapportJobConfiguration.JOB_NAME, 0, 10_000);
    List<Map.Entry<JobInstance, List<JobExecution>>> shown = new ArrayList<>();
    for (JobInstance instance : instances) {
      List<JobExecution> executions = new ArrayList<>(jobs.getJobExecutions(instance));
      if (executions.isEmpty()) {
        continue;
      }
      String date = executions.get(0).getJobParameters().getString(RunLauncher.PARAM_AS_OF);
      if (asOf != null && !asOf.equals(date) || shown.size() >= limit) {
        continue;
      }
      executions.sort(Comparator.comparing(JobExecution::getId));
      shown.add(Map.entry(instance, executions));
    }
    List<Running> running = new ArrayList<>();
    for (var entry : shown) {
      for (JobExecution execution : entry.getValue()) {
        if (execution.isRunning()) {
          String date = execution.getJobParameters().getString(RunLauncher.PARAM_AS_OF);
          StepExecution step = execution.getStepExecutions().stream().filter(s -> s.getStatus().isRunning())
              .max(Comparator.comparing(StepExecution::getId)).orElse(null);
          running.add(new Running(date, entry.getKey().getInstanceId(), execution.getId(),
              step == null ? null : step.getStepName(), step == null ? null : step.getStartTime(),
              RunLauncher.lastRunProcess(url, LocalDate.parse(date))));
        }
      }
    }
    if (json) {
      JsonOutput.print(document(running, shown));
    } else {
      System.out.print(text(running, shown));
    }
    return 0;
  }

  private String text(List<Running> running, List<Map.Entry<JobInstance, List<JobExecution>>> shown) {
    StringBuilder out = new StringBuilder();
    for (Running r : running) {
      out.append(runningLine(r)).append(System.lineSeparator());
    }
    if (!running.isEmpty()) {
      out.append(System.lineSeparator());
    }
    for (var entry : shown) {
      JobInstance instance = entry.getKey();
      JobExecution first = entry.getValue().get(0);
      Long rerun = first.getJobParameters().getLong(RunLauncher.PARAM_RERUN);
      out.append(String.format("as_of_date=%s  instance %d%s%n", first.getJobParameters().getString(RunLauncher.PARAM_AS_OF),
          instance.getInstanceId(), rerun == null ? "" : " (forced re-run " + rerun + ")"));
      for (JobExecution execution : entry.getValue()) {
        out.append(String.format("  execution %d  %-9s started %s  %s", execution.getId(), execution.getStatus(),
            time(execution.getStartTime()), firstLine(execution.getExitStatus().getExitDescription())).stripTrailing())
            .append(System.lineSeparator());
        execution.getStepExecutions().stream().sorted(Comparator.comparing(StepExecution::getId)).forEach(step ->
            out.append(String.format("    %-13s %-9s read %d, filtered %d, written %d%s%n", step.getStepName(), step.getStatus(),
                step.getReadCount(), step.getFilterCount(), step.getWriteCount(),
                step.getStatus().isRunning() ? ", running for " + elapsed(step.getStartTime()) : "")));
      }
    }
    if (shown.isEmpty()) {
      out.append(asOf == null ? "No runs yet." : "No runs for " + asOf + ".").append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String runningLine(Running r) {
    String where = r.step() == null ? "between steps" : "step " + r.step() + " for " + elapsed(r.stepStarted());
    String process = r.process().map(p -> p.alive() ? " (process " + p.pid() + ")"
        : "; but its process " + p.pid() + " is gone (killed?): the next 'rapport run --as-of " + r.asOfDate()
            + "' recovers it").orElse(" (its process is not on this machine)");
    return String.format("Running: as_of_date=%s, instance %d, execution %d, %s%s", r.asOfDate(), r.instanceId(),
        r.executionId(), where, process);
  }

  private Map<String, Object> document(List<Running> running, List<Map.Entry<JobInstance, List<JobExecution>>> shown) {
    Map<String, Object> doc = JsonOutput.document("status", "OK", 0, null, null);
    doc.put("as_of_date", asOf);
    doc.put("running", running.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("as_of_date", r.asOfDate());
      m.put("job_instance_id", r.instanceId());
      m.put("job_execution_id", r.executionId());
      m.put("step", r.step());
      m.put("step_started_at", r.stepStarted() == null ? null : r.stepStarted().toString());
      m.put("step_seconds", r.stepStarted() == null ? null : seconds(r.stepStarted(), null));
      m.put("process_id", r.process().map(RunLauncher.RunProcess::pid).orElse(null));
      m.put("process_alive", r.process().map(RunLauncher.RunProcess::alive).orElse(null));
      return m;
    }).toList());
    List<Map<String, Object>> list = new ArrayList<>();
    for (var entry : shown) {
      JobExecution first = entry.getValue().get(0);
      JobExecution last = entry.getValue().get(entry.getValue().size() - 1);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("as_of_date", first.getJobParameters().getString(RunLauncher.PARAM_AS_OF));
      m.put("job_instance_id", entry.getKey().getInstanceId());
      m.put("forced_rerun", first.getJobParameters().getLong(RunLauncher.PARAM_RERUN));
      m.put("status", last.getStatus().name());
      m.put("executions", entry.getValue().stream().map(StatusCommand::execution).toList());
      list.add(m);
    }
    doc.put("instances", list);
    return doc;
  }

  private static Map<String, Object> execution(JobExecution execution) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_execution_id", execution.getId());
    m.put("status", execution.getStatus().name());
    m.put("started_at", execution.getStartTime() == null ? null : execution.getStartTime().toString());
    m.put("ended_at", execution.getEndTime() == null ? null : execution.getEndTime().toString());
    m.put("exit_description", emptyToNull(firstLine(execution.getExitStatus().getExitDescription())));
    m.put("steps", execution.getStepExecutions().stream().sorted(Comparator.comparing(StepExecution::getId)).map(step -> {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("step", step.getStepName());
      s.put("status", step.getStatus().name());
      s.put("running", step.getStatus().isRunning());
      s.put("started_at", step.getStartTime() == null ? null : step.getStartTime().toString());
      s.put("ended_at", step.getEndTime() == null ? null : step.getEndTime().toString());
      s.put("seconds", step.getStartTime() == null ? null : seconds(step.getStartTime(), step.getEndTime()));
      s.put("read", step.getReadCount());
      s.put("filtered", step.getFilterCount());
      s.put("written", step.getWriteCount());
      return s;
    }).toList());
    return m;
  }

  @Override
  public Map<String, Object> failureDocument(int exitCode, Map<String, Object> error) {
    Map<String, Object> doc = JsonOutput.document("status", "FAILED", exitCode, error,
        NextSteps.afterFailure((String) error.get("kind"), (String) error.get("rule"), null, "status"));
    String date = null;
    try {
      date = RunCommand.parseDate(asOf) == null ? null : asOf;
    } catch (RuntimeException notADate) {
      // the error says so; the document leaves the date out
    }
    doc.put("as_of_date", date);
    doc.put("running", List.of());
    doc.put("instances", List.of());
    return doc;
  }

  private static double seconds(LocalDateTime start, LocalDateTime end) {
    return Duration.between(start, end == null ? LocalDateTime.now() : end).toMillis() / 1000.0;
  }

  private static String elapsed(LocalDateTime start) {
    if (start == null) {
      return "-";
    }
    long s = Math.max(0, Duration.between(start, LocalDateTime.now()).toSeconds());
    return s >= 3600 ? String.format("%dh %02dm", s / 3600, s / 60 % 60) : s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : s + " s";
  }

  private static String time(LocalDateTime t) {
    return t == null ? "-" : TIME.format(t);
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
