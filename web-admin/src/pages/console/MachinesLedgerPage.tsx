import { MachinesView } from '../../components/machines/MachinesView';

export default function MachinesLedgerPage() {
  return <MachinesView mode="ledger" />;
}
