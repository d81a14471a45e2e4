import { Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from '../i18n';

/** One button that flips between 中文 and English; the choice is kept in localStorage. */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const next: Language = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Tooltip title={t('header.switchLanguage')}>
      <Button
        size="small"
        type="text"
        className={className}
        data-testid="lang-switch"
        lang={next}
        onClick={() => void setLanguage(next)}
      >
        {next === 'en' ? 'English' : '中文'}
      </Button>
    </Tooltip>
  );
}
