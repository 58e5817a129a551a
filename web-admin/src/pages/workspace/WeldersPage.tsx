import { WeldersView } from '../../components/welders/WeldersView';

export default function WeldersPage() {
  return <WeldersView mode="workspace" />;
}
