import { useAutoRun } from './autoRun';
import { BackendPicker } from './BackendPicker';
import { Banner } from './Banner';
import { CachePanel } from './CachePanel';
import { Charts } from './Charts';
import { ContextSlider } from './ContextSlider';
import { ForeignPanel } from './ForeignPanel';
import { GenerationSettings } from './GenerationSettings';
import { InputPanel } from './InputPanel';
import { ModelPicker } from './ModelPicker';
import { PredictionPanels } from './PredictionPanels';
import { RecallPanel } from './recall/RecallPanel';
import { ProfilePanel } from './ProfilePanel';
import { ResultsTable } from './ResultsTable';
import { SharePanel } from './SharePanel';
import { SummaryTable } from './SummaryTable';
import { SweepPanel } from './SweepPanel';
import { TradeoffChart } from './tradeoff/TradeoffChart';
import { UserModelPanel } from './UserModelPanel';
import { HubPanel } from './HubPanel';
import { Verdicts } from './Verdicts';

// Results first: the input and N (one primary action, Run), then the models side by side on the same bytes, the
// charts and the trade-off chart beside them, then each model's text, then the measurements that take longer (sweep,
// recall probes, profile) and the rest.
export function App() {
  useAutoRun();
  return (
    <>
      <header>
        <h1>Long-Context Playground</h1>
        <span className="muted small tagline">Perceiver AR vs Transformers, measured live here</span>
        <BackendPicker />
        <SharePanel />
      </header>
      <Banner />
      <div className="layout">
        <aside>
          <ModelPicker />
          <UserModelPanel />
          <HubPanel />
          <CachePanel />
        </aside>
        <main>
          <section className="panel setup" aria-label="Input and context length">
            <InputPanel />
            <ContextSlider />
          </section>
          <div className="results-first">
            <SummaryTable />
            <Verdicts />
          </div>
          <Charts />
          <TradeoffChart />
          <SweepPanel />
          <PredictionPanels />
          <GenerationSettings />
          <RecallPanel />
          <ResultsTable />
          <ProfilePanel />
          <ForeignPanel />
        </main>
      </div>
    </>
  );
}
