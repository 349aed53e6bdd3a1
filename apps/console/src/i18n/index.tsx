// Languages: Chinese (default) and English. `useI18n()` gives `t(key, params)`,
// locale-aware date, number and duration formats, and the switch.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { en } from './en';
import { eventTypeLabel } from './event-types';
import { zhCN, type MessageKey } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };
export type Params = Record<string, string | number>;

const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const PREFERENCE = 'gridline.locale';

export interface I18n {
  readonly locale: Locale;
  readonly setLocale: (locale: Locale) => void;
  readonly t: (key: MessageKey, params?: Params) => string;
  /** Date and time, e.g. 2026年3月10日 12:00 / Mar 10, 2026, 12:00. */
  readonly dateTime: (iso: string | number | Date | undefined | null) => string;
  /** Short date and time for axes and tables. */
  readonly shortDateTime: (iso: string | number | Date) => string;
  readonly number: (value: number, digits?: number) => string;
  readonly percent: (share: number | null) => string;
  readonly eventType: (type: string) => string;
}

export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(PREFERENCE);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage unavailable: default
  }
  return 'zh-CN';
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = dictionaries[locale]['app.title'];
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(PREFERENCE, next);
    } catch {
      // not remembered: fine
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = dictionaries[locale];
    const full = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const short = new Intl.DateTimeFormat(locale, {
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    return {
      locale,
      setLocale,
      t: (key, params) => interpolate(dict[key], params),
      dateTime: (iso) => {
        if (iso === undefined || iso === null || iso === '') return dict['common.dash'];
        const date = new Date(iso);
        return Number.isNaN(date.getTime()) ? String(iso) : full.format(date);
      },
      shortDateTime: (iso) => short.format(new Date(iso)),
      number: (value, digits = 0) =>
        new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value),
      percent: (share) =>
        share === null
          ? dict['common.dash']
          : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(
              share,
            ),
      eventType: (type) => eventTypeLabel(type, locale),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
