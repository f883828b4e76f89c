package io.rapport.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A setting with a fixed set of values, each spelled in YAML by its {@link #id()}. */
public interface Choice {
  /** The value as written in the configuration, e.g. {@code on_or_after}. */
  String id();

  /** Other spellings accepted for this value (none by default). */
  default List<String> aliases() {
    return List.of();
  }

  /**
   * The value of {@code type} spelled {@code text} (case-insensitive), or an {@link InvalidSetting}
   * whose message lists the allowed spellings ("must be on or on_or_after").
   */
  static <E extends Enum<E> & Choice> E parse(Class<E> type, String text) {
    String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (E value : type.getEnumConstants()) {
      if (value.id().equals(wanted) || value.aliases().contains(wanted)) {
        return value;
      }
    }
    throw new InvalidSetting(text, "must be " + allowed(type));
  }

  /** "csv, jsonl or parquet". */
  static <E extends Enum<E> & Choice> String allowed(Class<E> type) {
    List<String> ids = Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.toList());
    if (ids.size() == 1) {
      return ids.get(0);
    }
    return String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
  }
}
