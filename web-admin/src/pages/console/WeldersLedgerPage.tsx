import { WeldersView } from '../../components/welders/WeldersView';

export default function WeldersLedgerPage() {
  return <WeldersView mode="ledger" />;
}
