package io.rapport.config;

import java.util.List;

/** {@code sources.<name>.format}: how a source's files are read. */
public enum SourceFormat implements Choice {
  /** Delimited text with a header line (RFC 4180 quoting). */
  CSV("csv"),
  /** JSON Lines: one JSON object per line; {@code json} is accepted as another name for it. */
  JSONL("jsonl"),
  PARQUET("parquet");

  private final String id;

  SourceFormat(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<String> aliases() {
    return this == JSONL ? List.of("json") : List.of();
  }
}
