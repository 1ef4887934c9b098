import { BackendPicker } from './BackendPicker';
import { Banner } from './Banner';
import { CachePanel } from './CachePanel';
import { ForeignPanel } from './ForeignPanel';
import { GenerationSettings } from './GenerationSettings';
import { Charts } from './Charts';
import { ContextSlider } from './ContextSlider';
import { InputPanel } from './InputPanel';
import { ModelPicker } from './ModelPicker';
import { PredictionPanels } from './PredictionPanels';
import { RecallPanel } from './recall/RecallPanel';
import { ProfilePanel } from './ProfilePanel';
import { ResultsTable } from './ResultsTable';
import { SharePanel } from './SharePanel';
import { SweepPanel } from './SweepPanel';
import { TradeoffChart } from './tradeoff/TradeoffChart';
import { UserModelPanel } from './UserModelPanel';
import { HubPanel } from './HubPanel';

export function App() {
  return (
    <>
      <header>
        <h1>Long-Context Playground</h1>
        <span className="muted small">Perceiver AR and baseline decoders, measured live on this device</span>
        <SharePanel />
      </header>
      <Banner />
      <BackendPicker />
      <div className="layout">
        <aside>
          <ModelPicker />
          <UserModelPanel />
          <HubPanel />
          <CachePanel />
        </aside>
        <main>
          <InputPanel />
          <ContextSlider />
          <PredictionPanels />
          <GenerationSettings />
          <SweepPanel />
          <ForeignPanel />
          <Charts />
          <ResultsTable />
          <TradeoffChart />
          <RecallPanel />
          <ProfilePanel />
        </main>
      </div>
    </>
  );
}
