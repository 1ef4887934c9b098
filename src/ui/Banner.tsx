import { useStore } from '../state/store';

export function Banner() {
  const banner = useStore((s) => s.banner);
  const { dismissBanner } = useStore.getState();
  if (!banner) return null;
  return (
    <div className={`banner ${banner.kind}`} role="alert" data-testid="banner">
      <span>{banner.text}</span>
      <button onClick={dismissBanner} aria-label="Dismiss">×</button>
    </div>
  );
}
