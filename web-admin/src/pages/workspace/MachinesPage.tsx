import { MachinesView } from '../../components/machines/MachinesView';

export default function MachinesPage() {
  return <MachinesView mode="workspace" />;
}
