package io.rapport.cli;

import io.rapport.config.SettingsLoader;
import io.rapport.config.SettingsLoader.LoadedSettings;
import java.nio.file.Path;

/** The configuration a command uses: {@code --config FILE}, or the bundled default {@code config/rapport.yaml}. */
final class Settings {
  static final Path DEFAULT_CONFIG = Path.of("config", "rapport.yaml");

  private Settings() {}

  static LoadedSettings load(Path config) {
    return SettingsLoader.load(config != null ? config : DEFAULT_CONFIG);
  }
}
