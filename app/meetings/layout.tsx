import { SiteHeader } from "@/components/ui/SiteHeader";

export default function MeetingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SiteHeader />
      {children}
    </>
  );
}
