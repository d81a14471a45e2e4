import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthProvider } from './AuthProvider';

/** Brand and density: a clinical teal, compact controls, CJK-first fonts. */
export const kanglianTheme = {
  algorithm: theme.defaultAlgorithm,
  token: {
    colorPrimary: '#0b7285',
    colorInfo: '#0b7285',
    colorSuccess: '#2b8a3e',
    colorWarning: '#e67700',
    colorError: '#c92a2a',
    borderRadius: 6,
    fontSize: 14,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#0b3d4a', headerHeight: 52, headerPadding: '0 20px', bodyBg: '#f3f5f7' },
    Menu: { darkItemBg: '#0b3d4a', darkItemSelectedBg: '#0b7285', darkPopupBg: '#0b3d4a' },
    Table: { headerBg: '#f6f8fa', cellPaddingBlockSM: 7 },
    Descriptions: { labelBg: '#f6f8fa' },
  },
};

export function Providers({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={kanglianTheme}>
      <AntApp>
        <AuthProvider>{children}</AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
