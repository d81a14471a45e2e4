import { Alert, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/format';
import { useCurrentUser } from '../../auth/auth.resource';
import { breakGlassUntil } from '../break-glass.logic';
import { sessionStore } from '../residents.resource';
import type { ResidentRecord } from '../residents.types';
import { EmergencyNoteDialog } from './EmergencyNoteDialog';

interface Props {
  resident: ResidentRecord;
  /** Whether the emergency note is offered (record-actions.logic decides). */
  canWriteNote: boolean;
  onNoteSaved: () => void;
}

/** 紧急访问中: the record was opened by break-the-glass. Read-only, until the access ends, plus the emergency note. */
export function BreakGlassBanner({ resident, canWriteNote, onNoteSaved }: Props) {
  const { t } = useTranslation();
  const [writing, setWriting] = useState(false);
  const user = useCurrentUser();
  const until = breakGlassUntil(resident, sessionStore(), user.id);

  return (
    <>
      <Alert
        type="warning"
        showIcon
        className="kl-block kl-break-glass-banner"
        data-testid="break-glass-active"
        title={
          <strong data-testid="break-glass-until">
            {until ? t('emergencyAccess.bannerUntil', { until: formatDateTime(until) }) : t('emergencyAccess.banner')}
          </strong>
        }
        description={t('emergencyAccess.bannerDetail')}
        action={
          canWriteNote ? (
            <Button type="primary" danger onClick={() => setWriting(true)} data-testid="emergency-note-open">
              {t('emergencyAccess.recordNote')}
            </Button>
          ) : undefined
        }
      />
      {writing && (
        <EmergencyNoteDialog
          residentId={resident.id}
          residentName={resident.name}
          onClose={(saved) => {
            setWriting(false);
            if (saved) onNoteSaved();
          }}
        />
      )}
    </>
  );
}
