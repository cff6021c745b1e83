// Unknown route, or a page the role may not see.
import { useTranslation } from 'react-i18next';

export default function NotFound({ forbidden = false, home }: { forbidden?: boolean; home: string }) {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{forbidden ? t('notFound.forbidden') : t('notFound.title')}</h1>
      <a href={home}>{t('notFound.back')}</a>
    </section>
  );
}
