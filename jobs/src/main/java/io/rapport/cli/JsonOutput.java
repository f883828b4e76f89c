package io.rapport.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rapport.jobs.RapportErrors;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} output of {@code run}, {@code status} and {@code validate}: exactly one JSON
 * document on stdout, on one line, for success and for every failure alike. Every document starts
 * with the same fields ({@link #document}); docs/json-output.md describes them all.
 */
final class JsonOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonOutput() {}

  /** A command that can print {@code --json}: also its failure document when it stops with an exception. */
  interface JsonCommand {
    boolean json();

    /** The command's document for a failure it did not get to report itself (every field present, unknown ones null). */
    Map<String, Object> failureDocument(int exitCode, Map<String, Object> error);
  }

  /** The fields every document starts with; the command adds its own after them. */
  static Map<String, Object> document(String command, String status, int exitCode, Map<String, Object> error, String hint) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("command", command);
    doc.put("ok", exitCode == 0);
    doc.put("exit_code", exitCode);
    doc.put("status", status);
    doc.put("error", error);
    doc.put("hint", hint);
    return doc;
  }

  /** The {@code error} object: what failed, and the file, column and rule where the message names them. */
  static Map<String, Object> error(RapportErrors.Details details, List<String> suggestions) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("kind", details.kind());
    error.put("message", details.message());
    error.put("rule", details.rule());
    error.put("source", details.source());
    error.put("file", details.file());
    error.put("column", details.column());
    error.put("path", details.path());
    error.put("key", details.key());
    error.put("checks", details.checks().stream().map(c -> {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("table", c.table());
      check.put("check", c.check());
      check.put("detail", c.detail());
      return check;
    }).toList());
    error.put("suggestions", suggestions == null ? List.of() : suggestions);
    return error;
  }

  static Map<String, Object> error(RapportErrors.Details details) {
    return error(details, List.of());
  }

  static void print(Map<String, Object> doc) {
    print(doc, System.out);
  }

  static void print(Map<String, Object> doc, PrintStream out) {
    try {
      out.println(MAPPER.writeValueAsString(doc));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the JSON result: " + e.getMessage(), e);
    }
  }

  /** A value Jackson writes as the JSON the manifest's own file has (records with their @JsonProperty names). */
  static Object tree(Object value) {
    return value == null ? null : MAPPER.valueToTree(value);
  }
}
