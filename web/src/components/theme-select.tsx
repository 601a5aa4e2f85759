import { setTheme, useTheme, type ThemeChoice } from '../lib/theme';

/** Light / dark / follow the system, for the sidebar and the sign-in page. */
export function ThemeSelect() {
  const theme = useTheme();
  return (
    <label className="theme-select">
      <span className="visually-hidden">Colour theme</span>
      <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)} className="select-compact">
        <option value="system">System theme</option>
        <option value="light">Light theme</option>
        <option value="dark">Dark theme</option>
      </select>
    </label>
  );
}
