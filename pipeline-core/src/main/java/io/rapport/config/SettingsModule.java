package io.rapport.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.rapport.schema.Severity;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.Locale;
import java.util.function.Function;

/**
 * Binds the typed values of {@link RapportSettings} from their YAML text, each with the message a
 * user sees when the text is wrong. A failure is an {@link InvalidSetting}, which
 * {@link SettingsLoader} reports with the key it was found at.
 */
final class SettingsModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  SettingsModule() {
    super("rapport-settings");
    scalar(ZoneId.class, text -> {
      try {
        return ZoneId.of(text.trim());
      } catch (DateTimeException e) {
        throw new InvalidSetting(text, "is not an IANA time zone (for example Europe/Berlin)");
      }
    });
    scalar(DayOfWeek.class, text -> {
      try {
        return DayOfWeek.valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidSetting(text, "is not a day of the week (MONDAY .. SUNDAY)");
      }
    });
    scalar(Charset.class, text -> {
      try {
        return Charset.forName(text.trim());
      } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
        throw new InvalidSetting(text, "is not a character encoding (for example UTF-8, ISO-8859-1, windows-1252)");
      }
    });
    scalar(Severity.class, text -> {
      for (Severity s : Severity.values()) {
        if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      throw new InvalidSetting(text, "must be error or warning");
    });
    choice(SourceFormat.class);
    choice(RetentionMode.class);
    choice(CohortGrain.class);
    choice(ClvModelChoice.class);
    choice(PriceRounding.class);
  }

  private <E extends Enum<E> & Choice> void choice(Class<E> type) {
    scalar(type, text -> Choice.parse(type, text));
  }

  private <T> void scalar(Class<T> type, Function<String, T> parse) {
    addDeserializer(type, new StdScalarDeserializer<T>(type) {
      private static final long serialVersionUID = 1L;

      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.currentToken().isScalarValue() || p.currentToken() == JsonToken.VALUE_NULL) {
          throw new InvalidSetting("must be a single value, not " + p.currentToken().asString());
        }
        return parse.apply(p.getValueAsString());
      }
    });
  }
}
